{
  "targets": [
    {
      "target_name": "p384",
      "sources": ["p384.c", "addon.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2"] }
    }
  ]
}
