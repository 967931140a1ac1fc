using System;
using UnityEngine;

namespace Soundweaver
{
    /// <summary>
    /// Plays a <see cref="SoundweaverClient"/>'s stream through this GameObject's AudioSource, in
    /// OnAudioFilterRead (so spatialisation, mixer groups and effects after it apply). The audio
    /// thread reads the native jitter buffer into a preallocated buffer: no allocation, no lock,
    /// no Unity API call. Mono or stereo sessions are mapped onto the output's channel count.
    /// </summary>
    [AddComponentMenu("Audio/Soundweaver Source")]
    [RequireComponent(typeof(AudioSource))]
    public class SoundweaverSource : MonoBehaviour
    {
        public enum Mode
        {
            Replace,  // the stream is this source's output
            Mix,      // the stream is added to what the AudioSource already plays
        }

        [Tooltip("The session to play; defaults to a SoundweaverClient on this GameObject")]
        public SoundweaverClient client;
        public Mode mode = Mode.Replace;
        [Range(0f, 2f)] public float gain = 1f;

        const int MaxSessionChannels = 2;
        float[] scratch;
        int scratchFrames;

        // Written by the audio thread, read by anyone (diagnostics).
        long framesOut;
        long framesFromStream;
        public long FramesOut { get { return System.Threading.Interlocked.Read(ref framesOut); } }
        public long FramesFromStream { get { return System.Threading.Interlocked.Read(ref framesFromStream); } }

        void Awake()
        {
            if (client == null) client = GetComponent<SoundweaverClient>();
            int bufferLength, numBuffers;
            AudioSettings.GetDSPBufferSize(out bufferLength, out numBuffers);
            // Big enough for a DSP buffer in one go; larger callbacks are done in slices.
            scratchFrames = Math.Max(1024, bufferLength);
            scratch = new float[scratchFrames * MaxSessionChannels];
        }

        void Start()
        {
            var source = GetComponent<AudioSource>();
            if (source != null && !source.isPlaying) source.Play();  // filters run while it plays
        }

        // Audio thread.
        void OnAudioFilterRead(float[] data, int channels)
        {
            var c = client;
            int sessionChannels = c == null ? 0 : c.SessionChannels;
            int frames = data.Length / channels;
            if (sessionChannels < 1 || sessionChannels > MaxSessionChannels || scratch == null)
            {
                if (mode == Mode.Replace) Array.Clear(data, 0, data.Length);
                System.Threading.Interlocked.Add(ref framesOut, frames);
                return;
            }
            float g = gain;
            bool mix = mode == Mode.Mix;
            int done = 0;
            while (done < frames)
            {
                int n = Math.Min(frames - done, scratchFrames);
                int got = c.ReadAudio(scratch, n);  // fills n * sessionChannels, silence past `got`
                if (got < n) Array.Clear(scratch, got * sessionChannels, (n - got) * sessionChannels);
                System.Threading.Interlocked.Add(ref framesFromStream, got);
                for (int i = 0; i < n; i++)
                {
                    int o = (done + i) * channels;
                    float l, r;
                    if (sessionChannels == 1) { l = r = scratch[i]; }
                    else { l = scratch[2 * i]; r = scratch[2 * i + 1]; }
                    if (channels == 1)
                    {
                        float m = 0.5f * (l + r) * g;
                        data[o] = mix ? data[o] + m : m;
                        continue;
                    }
                    data[o] = mix ? data[o] + l * g : l * g;
                    data[o + 1] = mix ? data[o + 1] + r * g : r * g;
                    for (int ch = 2; ch < channels; ch++)  // surround: the stream is the front pair
                        if (!mix) data[o + ch] = 0f;
                }
                done += n;
            }
            System.Threading.Interlocked.Add(ref framesOut, frames);
        }
    }
}
