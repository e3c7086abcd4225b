"""Plain-text rendering of the core's results, shared by the CLI and the screens (UI-free)."""
