#!/usr/bin/env bash
# Builds the short launch clip of content/case-studies/kestrel-launch-italy from generated stills:
# five 1920×1080 frames (make-images.mjs --video-frames), a slow Ken Burns zoom on each, 0.6 s crossfades,
# 960×540 at 24 fps, no audio. Writes clip.mp4 (H.264, yuv420p, +faststart) and clip.webm (VP9).
# The committed files are what the site serves; CI never runs this.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/content/case-studies/kestrel-launch-italy"
frames="${FRAMES_DIR:-${TMPDIR:-/tmp}/coaching-dealer-video-frames}"
ffmpeg="${FFMPEG:-/usr/bin/ffmpeg}"

FRAMES_DIR="$frames" node "$here/make-images.mjs" --video-frames

fps=24
seg=3.2   # seconds each still is on screen (before overlap)
fade=0.6  # crossfade length
n=5
dframes=$(awk -v s="$seg" -v f="$fps" 'BEGIN { printf "%d", s * f }')

inputs=()
filters=""
for i in $(seq 1 $n); do
	inputs+=(-i "$frames/frame-$i.jpg")
	idx=$((i - 1))
	# alternate zoom in / zoom out so the sequence breathes
	if ((i % 2)); then z="min(1+0.0016*on,1.12)"; else z="max(1.12-0.0016*on,1)"; fi
	filters+="[$idx:v]scale=1920:1080,zoompan=z='$z':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=$dframes:s=960x540:fps=$fps,setsar=1,format=yuv420p[v$idx];"
done

# chain the crossfades
prev="v0"
for i in $(seq 1 $((n - 1))); do
	offset=$(awk -v i="$i" -v s="$seg" -v f="$fade" 'BEGIN { printf "%.3f", i * (s - f) }')
	label="x$i"
	filters+="[$prev][v$i]xfade=transition=fade:duration=$fade:offset=$offset[$label];"
	prev="$label"
done
filters="${filters%;}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$ffmpeg" -hide_banner -loglevel error -y "${inputs[@]}" -filter_complex "$filters" -map "[$prev]" -an \
	-c:v libx264 -preset slow -crf 27 -profile:v high -pix_fmt yuv420p -movflags +faststart "$tmp/clip.mp4"

"$ffmpeg" -hide_banner -loglevel error -y -i "$tmp/clip.mp4" -an \
	-c:v libvpx-vp9 -b:v 420k -crf 36 -row-mt 1 -deadline good -cpu-used 2 -pix_fmt yuv420p "$tmp/clip.webm"

cp "$tmp/clip.mp4" "$tmp/clip.webm" "$out/"
ls -l "$out"/clip.*
