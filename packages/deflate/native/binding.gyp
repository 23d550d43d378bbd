{
  "targets": [
    {
      "target_name": "deflate",
      "sources": ["gzip.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-ldeflate"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2"] }
    }
  ]
}
