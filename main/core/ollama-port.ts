// Ollama's default port (what OLLAMA_HOST falls back to): the port of the deployments this
// app creates and their Services, of the ollama-service it reaches, and of localhost.
export const OLLAMA_PORT = 11434;
