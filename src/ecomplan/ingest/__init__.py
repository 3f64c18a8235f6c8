"""Files in, canonical frames out: reading, platform adapters, schemas, validation, inspection."""
