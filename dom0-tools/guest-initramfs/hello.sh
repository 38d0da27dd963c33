#!/bin/sh
# The smallest guest scenario: /init reached and a shell ran it.
echo "TESSERA-GUEST-TEST PASS hello"
