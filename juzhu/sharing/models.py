"""Models of juzhu.sharing."""
