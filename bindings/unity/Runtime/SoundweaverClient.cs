using System;
using System.Collections.Generic;
using UnityEngine;

namespace Soundweaver
{
    /// <summary>
    /// One Soundweaver session for a scene: connection settings in the inspector, cues and game
    /// state from game code, plan updates and notices as C# events on the main thread. Pair it
    /// with a <see cref="SoundweaverSource"/> to hear it.
    /// </summary>
    [AddComponentMenu("Audio/Soundweaver Client")]
    [DisallowMultipleComponent]
    public class SoundweaverClient : MonoBehaviour
    {
        [Header("Server")]
        [Tooltip("host:port of the Soundweaver server")]
        public string server = "127.0.0.1:50051";
        public bool useTls = false;
        [Tooltip("Sent as 'authorization: Bearer <key>'. Leave empty when the server needs none.")]
        public string apiKey = "";

        [Header("Format")]
        [Tooltip("0: Unity's output sample rate (AudioSettings.outputSampleRate); 16000..48000")]
        public int sampleRate = 0;
        [Range(1, 2)] public int channels = 2;
        [Tooltip("What travels on the wire; playback is always float. S16 halves the bandwidth.")]
        public WireEncoding encoding = WireEncoding.PcmF32;
        [Range(5, 200)] public int chunkMs = 20;

        [Header("Latency")]
        [Tooltip("Audio the server keeps in flight beyond what has played: a cue is heard within about this + one chunk")]
        [Range(20, 2000)] public int lookaheadMs = 200;
        [Tooltip("Buffered audio before playback starts (and restarts after an underrun); 0: half the lookahead")]
        public int prebufferMs = 0;

        [Header("Session")]
        [Tooltip("Same seed, same cues, same samples")]
        public long seed = 0;
        [Tooltip("Empty: the server's default engine")]
        public string engine = "";
        [Tooltip("Initial scene acoustics; empty lets the planner decide")]
        public string scene = "";
        [TextArea] public string narrative = "";
        public bool startOnEnable = true;
        [Tooltip("How long OnDisable waits for the server to close the session")]
        public int endTimeoutMs = 500;
        public bool logEvents = false;

        /// <summary>Raised on the main thread (from Update).</summary>
        public event Action<PlanUpdate> PlanUpdated;
        public event Action<ServerNotice> NoticeReceived;
        public event Action<ConnectionChange> ConnectionChanged;

        volatile SoundweaverSession session;
        volatile int sessionChannels;  // read by the audio thread; 0 until the session started

        public SoundweaverSession Session { get { return session; } }
        public SessionState State { get { var s = session; return s == null ? SessionState.Idle : s.State; } }
        /// <summary>Channels of the session's audio (0 before it started). Safe on any thread.</summary>
        public int SessionChannels { get { return sessionChannels; } }
        public PlanUpdate LatestPlan { get; private set; }

        void OnEnable()
        {
            if (startOnEnable) StartSession();
        }

        void OnDisable()
        {
            EndSession("disabled");
        }

        void OnApplicationQuit()
        {
            EndSession("quit");
        }

        void Update()
        {
            var s = session;
            if (s == null) return;
            if (sessionChannels == 0)
            {
                SessionFormat f;
                if (s.TryGetFormat(out f)) sessionChannels = f.Channels;
            }
            SoundweaverEvent e;
            int budget = 64;  // do not stall a frame on a burst
            while (budget-- > 0 && s.TryPollEvent(out e)) Dispatch(e);
        }

        void Dispatch(SoundweaverEvent e)
        {
            var plan = e as PlanUpdate;
            if (plan != null)
            {
                LatestPlan = plan;
                if (logEvents) Debug.Log("Soundweaver plan r" + plan.Revision + " (" + plan.Reason + "): " + plan.Sounds.Count + " events");
                if (PlanUpdated != null) PlanUpdated(plan);
                return;
            }
            var notice = e as ServerNotice;
            if (notice != null)
            {
                if (notice.Level >= NoticeLevel.Warning) Debug.LogWarning("Soundweaver [" + notice.Code + "] " + notice.Message);
                else if (logEvents) Debug.Log("Soundweaver [" + notice.Code + "] " + notice.Message);
                if (NoticeReceived != null) NoticeReceived(notice);
                return;
            }
            var conn = e as ConnectionChange;
            if (conn != null)
            {
                if (conn.State == SessionState.Failed) Debug.LogError("Soundweaver session failed: " + conn.Message);
                else if (logEvents) Debug.Log("Soundweaver " + conn.State + ": " + conn.Message);
                if (ConnectionChanged != null) ConnectionChanged(conn);
            }
        }

        /// <summary>Connects and starts a session (non-blocking). Called by OnEnable if startOnEnable.</summary>
        public void StartSession()
        {
            if (session != null) return;
            int rate = sampleRate > 0 ? sampleRate : AudioSettings.outputSampleRate;
            if (rate < 16000 || rate > 48000)
            {
                Debug.LogWarning("Soundweaver: output rate " + rate + " Hz is outside 16000..48000; asking for 48000 (set sampleRate to match your mixer)");
                rate = 48000;
            }
            var options = new SessionOptions
            {
                Server = server,
                UseTls = useTls,
                ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey,
                SampleRate = rate,
                Channels = channels,
                Encoding = encoding,
                ChunkMs = chunkMs,
                LookaheadMs = lookaheadMs,
                PrebufferMs = prebufferMs,
                Seed = (ulong)seed,
                Engine = engine,
                Scene = scene,
                Narrative = narrative,
            };
            try
            {
                var s = new SoundweaverSession(options);
                s.Start(0);
                session = s;
            }
            catch (Exception ex)  // SoundweaverException, or DllNotFoundException without the plugin
            {
                Debug.LogError("Soundweaver: could not start a session: " + ex.Message);
            }
        }

        /// <summary>Ends the session (waits up to endTimeoutMs for the server) and frees it.</summary>
        public void EndSession(string reason = "")
        {
            var s = session;
            if (s == null) return;
            session = null;
            sessionChannels = 0;
            try
            {
                if (s.State == SessionState.Streaming || s.State == SessionState.Reconnecting)
                    s.End(reason ?? "", endTimeoutMs);
            }
            catch (SoundweaverException ex)
            {
                if (logEvents) Debug.Log("Soundweaver: end: " + ex.Message);
            }
            s.Dispose();  // the native client goes once the audio thread's current read returns
        }

        // ---- cues and game state ------------------------------------------------------------

        /// <summary>Send a narrative cue. atSeconds &lt; 0: as soon as possible.</summary>
        public bool SendCue(string text, string cueId = null, double atSeconds = -1)
        {
            return Call(s => s.SendCue(text, cueId, atSeconds), "SendCue");
        }

        public bool SendScriptCue(string script, IDictionary<string, string> args = null, string cueId = null, double atSeconds = -1)
        {
            return Call(s => s.SendScriptCue(script, args, cueId, atSeconds), "SendScriptCue");
        }

        public bool SetParameter(string name, float value) { return Call(s => s.SetParameter(name, value), "SetParameter"); }
        public bool SetState(string name, string value) { return Call(s => s.SetState(name, value), "SetState"); }
        public bool SetSwitch(string name, string value) { return Call(s => s.SetSwitch(name, value), "SetSwitch"); }

        bool Call(Action<SoundweaverSession> action, string what)
        {
            var s = session;
            if (s == null)
            {
                Debug.LogWarning("Soundweaver: " + what + " without a session (StartSession first)");
                return false;
            }
            try
            {
                action(s);
                return true;
            }
            catch (SoundweaverException ex)
            {
                Debug.LogWarning("Soundweaver: " + what + ": " + ex.Message);
                return false;
            }
        }

        // ---- audio thread -------------------------------------------------------------------

        /// <summary>
        /// Audio thread: fills buffer with frames * SessionChannels floats. No allocation, no lock,
        /// no Unity API. Returns the frames that came from the stream.
        /// </summary>
        public int ReadAudio(float[] buffer, int frames)
        {
            var s = session;
            if (s == null) return 0;
            try
            {
                return s.Read(buffer, frames);
            }
            catch (ObjectDisposedException)  // the session ended between the two lines above
            {
                return 0;
            }
        }
    }
}
