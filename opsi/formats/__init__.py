"""Date formats of the languages whose Django defaults mislead (FORMAT_MODULE_PATH)."""
