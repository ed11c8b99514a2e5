"""Cross-cutting pieces every domain uses: permissions, passwords, tokens, mail, HTML."""
