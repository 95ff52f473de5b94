#!/usr/bin/env bash
# The bench's 2-hour source (not committed; INTERFACE §12, PEERS.md): 160x90, 25 fps, a keyframe every
# 2 s, H.264 (B-frames, so ctts and an edit list) + AAC 44.1 kHz, moov in front. Cached in
# bench/.work/long-2h.mp4; delete it to rebuild. Usage: make-media.sh [OUT] [SECONDS]
set -euo pipefail
out="${1:-$(dirname "$0")/../.work/long-2h.mp4}"
seconds="${2:-7200}"
if [ -s "$out" ]; then echo "$out exists"; exit 0; fi
mkdir -p "$(dirname "$out")"
tmp="$out.partial.mp4"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=160x90:rate=25:duration=$seconds" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$seconds" \
  -c:v libx264 -preset ultrafast -tune zerolatency -bf 2 -g 50 -keyint_min 50 -sc_threshold 0 -b:v 40k \
  -x264-params bframes=2:b-adapt=0:rc-lookahead=0:sliced-threads=0 -threads 2 \
  -c:a aac -b:a 24k -ac 1 -movflags +faststart "$tmp"
mv "$tmp" "$out"
ls -l "$out"
