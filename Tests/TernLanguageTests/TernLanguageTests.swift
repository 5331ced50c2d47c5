// TernLanguageTests owns the config language seen from outside: every seed example in
// examples/ goes through the real `tern -c`, and the snippet table in Snippets/*.snip runs
// in process on real messages, with expected values checked against Kamailio 5.6 by
// scripts/check-snippets-against-kamailio.py.
