{
  "targets": [
    {
      "target_name": "deflate",
      "sources": ["gzip.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lisal"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2"] }
    }
  ]
}
