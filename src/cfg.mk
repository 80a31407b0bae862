## config, credentials, sanitizing, --once output, audit log.
