"""Models of juzhu.entitlements."""
