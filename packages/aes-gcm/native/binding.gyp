{
  "targets": [
    {
      "target_name": "aes_gcm",
      "sources": ["seal.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2"] }
    }
  ]
}
