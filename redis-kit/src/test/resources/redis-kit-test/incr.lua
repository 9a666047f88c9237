-- incr.lua (test only): counts one call. KEYS[1] a counter. RETURNS {value}
return {redis.call('INCR', KEYS[1])}
