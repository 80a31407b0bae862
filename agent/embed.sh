#!/bin/sh
# Embed the PowerShell agent in C: comment lines and indentation removed, gzip,
# base64, wrapped in a one-line bootstrap that inflates and runs it; the
# bootstrap goes to powershell.exe as -EncodedCommand (base64 of UTF-16LE).
# cmd.exe refuses command lines past 8191 characters, so the build stops when
# the arguments would not fit.
# Usage: embed.sh agent.ps1 > agent_script.c
set -eu
src=$1
packed=$(grep -v '^[[:space:]]*#' "$src" | sed 's/^[[:space:]]*//' | gzip -9n | base64 -w0)
boot="\$Agent='bitstop-agent/1';iex (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String('$packed'))),[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()"
enc=$(printf '%s' "$boot" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
args="-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand $enc"
if [ $(( ${#args} + 16 )) -gt 8191 ]; then
	echo "embed.sh: the encoded agent is ${#args} characters, over cmd.exe's 8191" >&2
	exit 1
fi
cat <<EOC
/* Generated from $src by agent/embed.sh: do not edit. */
#include "config.h"

#include "src/agent_proto.h"

const char agent_command[] = "powershell.exe";
const char agent_arguments[] = "$args";
EOC
