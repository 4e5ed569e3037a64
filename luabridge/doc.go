// Package luabridge is the Lua host: a sandboxed gopher-lua VM with the app
// table (app.integrations.<name>[.<account>].<function>), lua_read_doc and
// the helpers scripts need (json, base64, dump, sleep; fs and stdin when
// granted; arg and ... for the script's arguments). It converts Lua
// values to JSON-shaped Go values guided by the function specs, and results
// back to plain Lua tables; Go errors become Lua error tables.
//
// A VM belongs to one goroutine. Nothing here knows about HTTP or OpenAI.
package luabridge
