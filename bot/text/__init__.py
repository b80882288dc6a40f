"""Language tools that know no knowledge base: folding and per-language analysis (normalize),
Indonesian stemming, common words (lexicon), chat word lists, language detection.

Imports only the ground (`bot`); never the knowledge base, the engine or anything above."""
