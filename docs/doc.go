// Package docs renders the reference markdown of integrations from their
// specs and serves it by page name ("integrations.openai",
// "integrations.openai.openai_create_image"), for lua_read_doc and
// `kosmo doc`.
package docs
