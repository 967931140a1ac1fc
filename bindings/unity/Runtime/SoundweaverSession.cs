// A managed session over the native client. Plain C#: no UnityEngine types, so it also runs in
// tools, servers and tests (the Mono test drives it outside Unity).
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Soundweaver
{
    public class SoundweaverException : Exception
    {
        public SwResult Code { get; private set; }
        public SoundweaverException(SwResult code, string message)
            : base(string.IsNullOrEmpty(message) ? code.ToString() : code + ": " + message)
        {
            Code = code;
        }
    }

    /// <summary>What a session asks the server for. 0 / null means "the server's default".</summary>
    [Serializable]
    public class SessionOptions
    {
        public string Server = "127.0.0.1:50051";
        public bool UseTls;
        public string TlsRootCertsPem;
        public string TlsServerName;
        public string ApiKey;
        public int SampleRate;          // 0: 48000. In Unity: AudioSettings.outputSampleRate.
        public int Channels = 2;        // 1 or 2
        public WireEncoding Encoding = WireEncoding.PcmF32;
        public int ChunkMs;             // 0: 20
        public int LookaheadMs = 200;
        public int PrebufferMs;         // 0: half the lookahead
        public int BufferMs;            // 0: automatic
        public ulong Seed;
        public string Engine;
        public string Scene;
        public string Narrative;
        public int ConnectTimeoutMs = 5000;
        public bool AutoReconnect = true;
        public int ReconnectTimeoutMs;  // 0: the server's resume window
    }

    public struct SessionFormat
    {
        public int SampleRate;
        public int Channels;
        public int ChunkFrames;
        public int LookaheadMs;
        public int ResumeWindowMs;
        public WireEncoding WireEncoding;
        public ulong StartFrame;
        public ulong Seed;
    }

    public struct SessionStats
    {
        public SessionState State;
        public ulong FramesReceived, FramesPlayed, PlayedFrame, BufferedFrames, BufferCapacityFrames;
        public ulong Underruns, UnderrunFrames, ChunksReceived, GapFrames, OverlapFrames, OverflowFrames;
        public ulong AcksSent, Reconnects, PlanRevision, EventsDropped, GapRepairs;
    }

    public enum Layer { Unspecified = 0, Ambience = 1, Foley = 2, Music = 3, Stinger = 4, Voice = 5 }
    public enum EventState { Unspecified = 0, Scheduled = 1, Rendering = 2, Playing = 3, Played = 4, Cancelled = 5 }
    public enum NoticeLevel { Unspecified = 0, Info = 1, Warning = 2, Error = 3 }

    public abstract class SoundweaverEvent { }

    public sealed class PlannedSound
    {
        public string Id, Caption, SoundClass, Emotion, Scene, CueId, Variant, Engine;
        public double StartSeconds, DurationSeconds;
        public float Intensity, Distance;
        public Layer Layer;
        public EventState State;
        public bool Late;
    }

    public sealed class PlanUpdate : SoundweaverEvent
    {
        public ulong Revision;
        public string Reason, CueId, Scene, Emotion;
        public List<PlannedSound> Sounds = new List<PlannedSound>();
    }

    public sealed class ServerNotice : SoundweaverEvent
    {
        public NoticeLevel Level;
        public string Code, Message, CueId;
    }

    public sealed class ConnectionChange : SoundweaverEvent
    {
        public SessionState State;
        public SwResult Result;
        public string Message;
        public ulong ResumeFrame;
    }

    public sealed class SoundweaverSession : IDisposable
    {
        readonly SoundweaverHandle handle;

        public static uint LibraryVersion { get { return SoundweaverNative.sw_version(); } }

        public SoundweaverSession(SessionOptions options)
        {
            if (options == null) throw new ArgumentNullException("options");
            var cfg = new SoundweaverNative.Config();
            SoundweaverNative.sw_config_init(ref cfg);
            var strings = new List<IntPtr>();
            Func<string, IntPtr> str = s => { IntPtr p = SoundweaverNative.AllocUtf8(s); strings.Add(p); return p; };
            try
            {
                cfg.server = str(options.Server);
                cfg.use_tls = options.UseTls ? 1 : 0;
                cfg.tls_root_certs_pem = str(options.TlsRootCertsPem);
                cfg.tls_server_name = str(options.TlsServerName);
                cfg.api_key = str(options.ApiKey);
                cfg.sample_rate = (uint)Math.Max(0, options.SampleRate);
                cfg.channels = (uint)Math.Max(0, options.Channels);
                cfg.encoding = (int)options.Encoding;
                cfg.chunk_ms = (uint)Math.Max(0, options.ChunkMs);
                cfg.lookahead_ms = (uint)Math.Max(0, options.LookaheadMs);
                cfg.prebuffer_ms = (uint)Math.Max(0, options.PrebufferMs);
                cfg.buffer_ms = (uint)Math.Max(0, options.BufferMs);
                cfg.seed = options.Seed;
                cfg.engine = str(options.Engine);
                cfg.scene = str(options.Scene);
                cfg.narrative = str(options.Narrative);
                cfg.connect_timeout_ms = (uint)Math.Max(0, options.ConnectTimeoutMs);
                cfg.auto_reconnect = options.AutoReconnect ? 1 : 0;
                cfg.reconnect_timeout_ms = (uint)Math.Max(0, options.ReconnectTimeoutMs);
                SoundweaverHandle h;
                Check(SoundweaverNative.sw_client_create(ref cfg, out h));  // copies the strings
                handle = h;
            }
            finally
            {
                foreach (IntPtr p in strings) if (p != IntPtr.Zero) Marshal.FreeHGlobal(p);
            }
        }

        /// <summary>The library's own sizeof(sw_config), for layout checks.</summary>
        public static uint NativeConfigSize()
        {
            var cfg = new SoundweaverNative.Config();
            SoundweaverNative.sw_config_init(ref cfg);
            return cfg.struct_size;
        }

        public static int ManagedConfigSize() { return Marshal.SizeOf(typeof(SoundweaverNative.Config)); }

        static void Check(SwResult r)
        {
            if (r != SwResult.Ok) throw new SoundweaverException(r, SoundweaverNative.LastError());
        }

        // ---- lifecycle (game thread) ----------------------------------------------------------

        /// <summary>Connect and start. timeoutMs 0: return at once (watch State / ConnectionChange).</summary>
        public void Start(int timeoutMs = 0) { Check(SoundweaverNative.sw_client_start(handle, (uint)Math.Max(0, timeoutMs))); }

        /// <summary>Continue an existing session (e.g. after a restart) from the first frame not held.</summary>
        public void Resume(string sessionId, ulong fromFrame, int timeoutMs = 0)
        {
            Check(SoundweaverNative.sw_client_resume(handle, SoundweaverNative.Utf8(sessionId), fromFrame, (uint)Math.Max(0, timeoutMs)));
        }

        public void End(string reason = "", int timeoutMs = 0)
        {
            Check(SoundweaverNative.sw_client_end(handle, SoundweaverNative.Utf8(reason ?? ""), (uint)Math.Max(0, timeoutMs)));
        }

        public SessionState State { get { return SoundweaverNative.sw_client_get_state(handle); } }

        public string SessionId
        {
            get
            {
                var buf = new byte[128];
                return SoundweaverNative.sw_client_copy_session_id(handle, buf, (UIntPtr)buf.Length) == SwResult.Ok
                    ? SoundweaverNative.FromUtf8(buf) : null;
            }
        }

        /// <summary>Why the session failed (or the latest stream error); null if none.</summary>
        public SoundweaverException Error
        {
            get
            {
                var buf = new byte[1024];
                SwResult r = SoundweaverNative.sw_client_copy_error(handle, buf, (UIntPtr)buf.Length);
                return r == SwResult.Ok ? null : new SoundweaverException(r, SoundweaverNative.FromUtf8(buf));
            }
        }

        /// <summary>The effective format; false until the session has started.</summary>
        public bool TryGetFormat(out SessionFormat format)
        {
            SoundweaverNative.Format f;
            format = new SessionFormat();
            if (SoundweaverNative.sw_client_get_format(handle, out f) != SwResult.Ok) return false;
            format.SampleRate = (int)f.sample_rate;
            format.Channels = (int)f.channels;
            format.ChunkFrames = (int)f.chunk_frames;
            format.LookaheadMs = (int)f.lookahead_ms;
            format.ResumeWindowMs = (int)f.resume_window_ms;
            format.WireEncoding = (WireEncoding)f.wire_encoding;
            format.StartFrame = f.start_frame;
            format.Seed = f.seed;
            return true;
        }

        public SessionStats GetStats()
        {
            var s = new SoundweaverNative.Stats();
            s.struct_size = (uint)Marshal.SizeOf(typeof(SoundweaverNative.Stats));
            Check(SoundweaverNative.sw_client_get_stats(handle, ref s));
            return new SessionStats
            {
                State = (SessionState)s.state,
                FramesReceived = s.frames_received, FramesPlayed = s.frames_played, PlayedFrame = s.played_frame,
                BufferedFrames = s.buffered_frames, BufferCapacityFrames = s.buffer_capacity_frames,
                Underruns = s.underruns, UnderrunFrames = s.underrun_frames, ChunksReceived = s.chunks_received,
                GapFrames = s.gap_frames, OverlapFrames = s.overlap_frames, OverflowFrames = s.overflow_frames,
                AcksSent = s.acks_sent, Reconnects = s.reconnects, PlanRevision = s.plan_revision,
                EventsDropped = s.events_dropped, GapRepairs = s.gap_repairs,
            };
        }

        // ---- cues and game state (any thread; queued, sent in order) ---------------------------

        /// <summary>A narrative cue. atSeconds &lt; 0: as soon as possible, else session time.</summary>
        public void SendCue(string text, string cueId = null, double atSeconds = -1)
        {
            Check(SoundweaverNative.sw_client_send_cue(handle, SoundweaverNative.Utf8(cueId), SoundweaverNative.Utf8(text), atSeconds));
        }

        /// <summary>A cue from the server's cue sheet, with template arguments.</summary>
        public void SendScriptCue(string script, IDictionary<string, string> args = null, string cueId = null, double atSeconds = -1)
        {
            int n = args == null ? 0 : args.Count;
            var keys = new IntPtr[n];
            var values = new IntPtr[n];
            try
            {
                int i = 0;
                if (args != null)
                    foreach (var kv in args)
                    {
                        keys[i] = SoundweaverNative.AllocUtf8(kv.Key);
                        values[i] = SoundweaverNative.AllocUtf8(kv.Value ?? "");
                        i++;
                    }
                Check(SoundweaverNative.sw_client_send_script_cue(handle, SoundweaverNative.Utf8(cueId),
                    SoundweaverNative.Utf8(script), keys, values, (UIntPtr)n, atSeconds));
            }
            finally
            {
                for (int i = 0; i < n; i++)
                {
                    if (keys[i] != IntPtr.Zero) Marshal.FreeHGlobal(keys[i]);
                    if (values[i] != IntPtr.Zero) Marshal.FreeHGlobal(values[i]);
                }
            }
        }

        public void SetParameter(string name, float value)
        {
            Check(SoundweaverNative.sw_client_set_parameter(handle, SoundweaverNative.Utf8(name), value));
        }

        /// <summary>A global state (weather=storm). An empty value removes it.</summary>
        public void SetState(string name, string value)
        {
            Check(SoundweaverNative.sw_client_set_state(handle, SoundweaverNative.Utf8(name), SoundweaverNative.Utf8(value ?? "")));
        }

        /// <summary>A per-object variant (surface=snow). An empty value removes it.</summary>
        public void SetSwitch(string name, string value)
        {
            Check(SoundweaverNative.sw_client_set_switch(handle, SoundweaverNative.Utf8(name), SoundweaverNative.Utf8(value ?? "")));
        }

        /// <summary>Breaks the stream as a network failure would; the client resumes. For tests.</summary>
        public void DropConnection() { Check(SoundweaverNative.sw_client_drop_connection(handle)); }

        // ---- audio thread ---------------------------------------------------------------------

        /// <summary>
        /// Fills buffer[0 .. frames * channels) with interleaved float audio (silence where the
        /// stream has none). Returns the frames that came from the stream. Never blocks, never
        /// allocates: safe in OnAudioFilterRead.
        /// </summary>
        public int Read(float[] buffer, int frames)
        {
            if (buffer == null || frames <= 0) return 0;
            return (int)SoundweaverNative.sw_client_read(handle, buffer, (UIntPtr)frames);
        }

        public long BufferedFrames { get { return (long)SoundweaverNative.sw_client_buffered_frames(handle); } }

        // ---- events (one polling thread, usually the main thread) ------------------------------

        /// <summary>The next plan update, notice or connection change, or false.</summary>
        public bool TryPollEvent(out SoundweaverEvent evt)
        {
            evt = null;
            SoundweaverNative.Event e;
            if (SoundweaverNative.sw_client_poll_event(handle, out e) != SwResult.Ok) return false;
            switch (e.type)
            {
                case 1: evt = ReadPlan(e.plan); break;
                case 2: evt = ReadNotice(e.notice); break;
                case 3: evt = ReadConnection(e.connection); break;
                default: return false;
            }
            return true;
        }

        static PlanUpdate ReadPlan(IntPtr p)
        {
            var plan = (SoundweaverNative.Plan)Marshal.PtrToStructure(p, typeof(SoundweaverNative.Plan));
            var u = new PlanUpdate
            {
                Revision = plan.revision,
                Reason = SoundweaverNative.FromUtf8(plan.reason),
                CueId = SoundweaverNative.FromUtf8(plan.cue_id),
                Scene = SoundweaverNative.FromUtf8(plan.scene),
                Emotion = SoundweaverNative.FromUtf8(plan.emotion),
            };
            int size = Marshal.SizeOf(typeof(SoundweaverNative.SoundEvent));
            long count = (long)plan.event_count.ToUInt64();
            for (long i = 0; i < count; i++)
            {
                var s = (SoundweaverNative.SoundEvent)Marshal.PtrToStructure(
                    new IntPtr(plan.events.ToInt64() + i * size), typeof(SoundweaverNative.SoundEvent));
                u.Sounds.Add(new PlannedSound
                {
                    Id = SoundweaverNative.FromUtf8(s.id),
                    Caption = SoundweaverNative.FromUtf8(s.caption),
                    SoundClass = SoundweaverNative.FromUtf8(s.sound_class),
                    Emotion = SoundweaverNative.FromUtf8(s.emotion),
                    Scene = SoundweaverNative.FromUtf8(s.scene),
                    CueId = SoundweaverNative.FromUtf8(s.cue_id),
                    Variant = SoundweaverNative.FromUtf8(s.variant),
                    Engine = SoundweaverNative.FromUtf8(s.engine),
                    StartSeconds = s.start_s,
                    DurationSeconds = s.duration_s,
                    Intensity = s.intensity,
                    Distance = s.distance,
                    Layer = (Layer)s.layer,
                    State = (EventState)s.state,
                    Late = s.late != 0,
                });
            }
            return u;
        }

        static ServerNotice ReadNotice(IntPtr p)
        {
            var n = (SoundweaverNative.Notice)Marshal.PtrToStructure(p, typeof(SoundweaverNative.Notice));
            return new ServerNotice
            {
                Level = (NoticeLevel)n.level,
                Code = SoundweaverNative.FromUtf8(n.code),
                Message = SoundweaverNative.FromUtf8(n.message),
                CueId = SoundweaverNative.FromUtf8(n.cue_id),
            };
        }

        static ConnectionChange ReadConnection(IntPtr p)
        {
            var c = (SoundweaverNative.Connection)Marshal.PtrToStructure(p, typeof(SoundweaverNative.Connection));
            return new ConnectionChange
            {
                State = (SessionState)c.state,
                Result = (SwResult)c.result,
                Message = SoundweaverNative.FromUtf8(c.message),
                ResumeFrame = c.resume_frame,
            };
        }

        public void Dispose() { handle.Dispose(); }
    }
}
