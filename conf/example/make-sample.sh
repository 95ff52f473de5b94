#!/usr/bin/env bash
# Makes the bundled example's sample video (committed; ~200 KB): 10 s of ffmpeg's test pattern and a
# tone, 320x180 H.264 (keyframe every 2 s, B-frames) + AAC, moov in front. Run from anywhere.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/htdocs/video.mp4"
ffmpeg -v error -y \
  -f lavfi -i "testsrc2=size=320x180:rate=25:duration=10" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10" \
  -c:v libx264 -preset veryslow -profile:v high -pix_fmt yuv420p -b:v 120k -maxrate 160k -bufsize 320k \
  -g 50 -keyint_min 50 -sc_threshold 0 -bf 2 \
  -c:a aac -b:a 48k -ac 2 \
  -movflags +faststart "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
