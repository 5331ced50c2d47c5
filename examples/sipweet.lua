-- SIPweet

-- loading module
require("twitter")

local initialized = 0
local mytw

function sipweetinit()
    if initialized == 0 then
        mytw = twitter.client("Consumer Key",
                              "Consumer Secret",
                              "OAuth Token",
                              "OAuth Token Secret");

        initialized = 1
    end
end

 
function sipweetdm(userid, message)
    sipweetinit()
    mytw:sendMessage{ user = userid, text = message }
end
