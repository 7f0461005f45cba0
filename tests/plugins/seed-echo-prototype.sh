#!/usr/bin/env bash
# Behaves like the prototype's echo plugin: it never wrote JSON, only this line.
printf 'Configuration received: %s' "$(cat)"
