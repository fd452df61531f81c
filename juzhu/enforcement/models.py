"""Models of juzhu.enforcement."""
