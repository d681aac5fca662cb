"""Layer 4, publish: raw tables to clean ones, their files, descriptor and dictionary, the build, and the check of the published output."""
