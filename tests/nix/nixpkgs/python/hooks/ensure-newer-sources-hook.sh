# ensureNewerSourcesForZipFilesHook: zip cannot store dates before 1980, so older sources are
# touched to 1980-01-02 after unpacking.
ensureNewerSources() {
  find "${sourceRoot:-.}" ! -newermt 1980-01-02 -exec touch -h -d 1980-01-02 {} + 2>/dev/null || true
}
postUnpackHooks+=(ensureNewerSources)
