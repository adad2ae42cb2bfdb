"""Command-line tools built on the SDK: ``ovirt-export`` (:mod:`ovirtsdk4.cli.export`)."""
