/// The lines a config for the real binary under test starts with: errors only, logged to
/// stderr (which `TernProcess` keeps for failure messages), two workers, UDP on the test's
/// port (`{PORT}`), then the modules it loads.
public enum TestConfigHead {
    public static func udp(loading modules: [String]) -> String {
        var text = "#!KAMAILIO\ndebug=-1\nlog_stderror=yes\nchildren=2\nlisten=udp:127.0.0.1:{PORT}\n\n"
        for module in modules { text += "loadmodule \"\(module).so\"\n" }
        return text
    }
}
