// Package openai declares the 15 OpenAI functions that scripts call as
// app.integrations.openai.<function>: their specs (parameters, operation,
// docs) and how each becomes an HTTP request to the OpenAI REST API.
package openai
