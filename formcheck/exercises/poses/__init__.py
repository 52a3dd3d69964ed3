"""Exercise files, one TOML file per exercise; see README "Writing an exercise file"."""
