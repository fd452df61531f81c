"""Models of juzhu.employers."""
