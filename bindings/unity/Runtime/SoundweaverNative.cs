// P/Invoke declarations of the Soundweaver C ABI (bindings/native/include/soundweaver.h).
// Struct layouts mirror the header field for field; keep them in sync (the Mono test checks
// sw_config's size against the library's own struct_size).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Soundweaver
{
    public enum SwResult
    {
        Ok = 0,
        InvalidArgument = 1,
        InvalidState = 2,
        Unavailable = 3,
        Timeout = 4,
        Unauthenticated = 5,
        PermissionDenied = 6,
        NotFound = 7,
        OutOfRange = 8,
        Rejected = 9,
        ResourceExhausted = 10,
        Server = 11,
        Ended = 12,
        NoEvent = 13,
        Internal = 14,
    }

    public enum SessionState
    {
        Idle = 0,
        Connecting = 1,
        Streaming = 2,
        Reconnecting = 3,
        Ended = 4,
        Failed = 5,
    }

    public enum WireEncoding
    {
        Default = 0,
        PcmS16 = 1,
        PcmF32 = 2,
    }

    /// <summary>The native client handle; released (sw_client_destroy) once nothing uses it.</summary>
    /// P/Invoke calls AddRef/Release a SafeHandle around each call, so the audio thread can
    /// never read from a destroyed client even if the game thread disposes it concurrently.
    public sealed class SoundweaverHandle : SafeHandle
    {
        public SoundweaverHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle()
        {
            SoundweaverNative.sw_client_destroy(handle);
            return true;
        }
    }

    internal static class SoundweaverNative
    {
        // libsoundweaver.so / soundweaver.dll / libsoundweaver.dylib (iOS static builds: "__Internal").
#if (UNITY_IOS || UNITY_WEBGL) && !UNITY_EDITOR
        internal const string Lib = "__Internal";
#else
        internal const string Lib = "soundweaver";
#endif

        [StructLayout(LayoutKind.Sequential)]
        internal struct Config
        {
            public uint struct_size;
            public IntPtr server;
            public int use_tls;
            public IntPtr tls_root_certs_pem;
            public IntPtr tls_server_name;
            public IntPtr api_key;
            public uint sample_rate;
            public uint channels;
            public int encoding;
            public uint chunk_ms;
            public uint lookahead_ms;
            public uint prebuffer_ms;
            public uint buffer_ms;
            public uint ack_interval_ms;
            public ulong seed;
            public IntPtr engine;
            public IntPtr scene;
            public IntPtr narrative;
            public uint connect_timeout_ms;
            public int auto_reconnect;
            public uint reconnect_timeout_ms;
            public uint event_queue_capacity;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct Format
        {
            public uint sample_rate;
            public uint channels;
            public uint chunk_frames;
            public uint lookahead_ms;
            public uint resume_window_ms;
            public int wire_encoding;
            public ulong start_frame;
            public ulong seed;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct Stats
        {
            public uint struct_size;
            public int state;
            public ulong frames_received;
            public ulong frames_played;
            public ulong played_frame;
            public ulong buffered_frames;
            public ulong buffer_capacity_frames;
            public ulong underruns;
            public ulong underrun_frames;
            public ulong chunks_received;
            public ulong gap_frames;
            public ulong overlap_frames;
            public ulong overflow_frames;
            public ulong acks_sent;
            public ulong reconnects;
            public ulong plan_revision;
            public ulong events_dropped;
            public ulong gap_repairs;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct SoundEvent
        {
            public IntPtr id, caption, sound_class, emotion, scene, cue_id, variant, engine;
            public double start_s;
            public double duration_s;
            public float intensity;
            public float distance;
            public int layer;
            public int state;
            public int late;
            public int reserved;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct Plan
        {
            public ulong revision;
            public IntPtr reason, cue_id, scene, emotion;
            public IntPtr events;
            public UIntPtr event_count;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct Notice
        {
            public int level;
            public IntPtr code, message, cue_id;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct Connection
        {
            public int state;
            public int result;
            public IntPtr message;
            public ulong resume_frame;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct Event
        {
            public int type;
            public IntPtr plan;
            public IntPtr notice;
            public IntPtr connection;
        }

        [DllImport(Lib)] internal static extern uint sw_version();
        [DllImport(Lib)] internal static extern IntPtr sw_result_string(SwResult result);
        [DllImport(Lib)] internal static extern IntPtr sw_last_error();
        [DllImport(Lib)] internal static extern void sw_config_init(ref Config config);
        [DllImport(Lib)] internal static extern SwResult sw_client_create(ref Config config, out SoundweaverHandle client);
        [DllImport(Lib)] internal static extern void sw_client_destroy(IntPtr client);
        [DllImport(Lib)] internal static extern SwResult sw_client_start(SoundweaverHandle client, uint timeoutMs);
        [DllImport(Lib)] internal static extern SwResult sw_client_resume(SoundweaverHandle client, byte[] sessionId, ulong fromFrame, uint timeoutMs);
        [DllImport(Lib)] internal static extern SwResult sw_client_end(SoundweaverHandle client, byte[] reason, uint timeoutMs);
        [DllImport(Lib)] internal static extern SessionState sw_client_get_state(SoundweaverHandle client);
        [DllImport(Lib)] internal static extern SwResult sw_client_copy_session_id(SoundweaverHandle client, byte[] buf, UIntPtr capacity);
        [DllImport(Lib)] internal static extern SwResult sw_client_copy_error(SoundweaverHandle client, byte[] buf, UIntPtr capacity);
        [DllImport(Lib)] internal static extern SwResult sw_client_get_format(SoundweaverHandle client, out Format format);
        [DllImport(Lib)] internal static extern SwResult sw_client_send_cue(SoundweaverHandle client, byte[] cueId, byte[] text, double atS);
        [DllImport(Lib)] internal static extern SwResult sw_client_send_script_cue(SoundweaverHandle client, byte[] cueId, byte[] script, IntPtr[] keys, IntPtr[] values, UIntPtr count, double atS);
        [DllImport(Lib)] internal static extern SwResult sw_client_set_parameter(SoundweaverHandle client, byte[] name, float value);
        [DllImport(Lib)] internal static extern SwResult sw_client_set_state(SoundweaverHandle client, byte[] name, byte[] value);
        [DllImport(Lib)] internal static extern SwResult sw_client_set_switch(SoundweaverHandle client, byte[] name, byte[] value);
        // Audio thread: float[] is blittable, so it is pinned, not copied; nothing is allocated.
        [DllImport(Lib)] internal static extern UIntPtr sw_client_read(SoundweaverHandle client, float[] output, UIntPtr frames);
        [DllImport(Lib)] internal static extern ulong sw_client_buffered_frames(SoundweaverHandle client);
        [DllImport(Lib)] internal static extern SwResult sw_client_get_stats(SoundweaverHandle client, ref Stats stats);
        [DllImport(Lib)] internal static extern SwResult sw_client_poll_event(SoundweaverHandle client, out Event evt);
        [DllImport(Lib)] internal static extern SwResult sw_client_drop_connection(SoundweaverHandle client);

        /// <summary>NUL-terminated UTF-8 (null stays null: "not set").</summary>
        internal static byte[] Utf8(string s)
        {
            if (s == null) return null;
            int n = Encoding.UTF8.GetByteCount(s);
            var bytes = new byte[n + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }

        internal static IntPtr AllocUtf8(string s)
        {
            if (string.IsNullOrEmpty(s)) return IntPtr.Zero;
            byte[] bytes = Utf8(s);
            IntPtr p = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            return p;
        }

        internal static string FromUtf8(IntPtr p)
        {
            if (p == IntPtr.Zero) return string.Empty;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            if (n == 0) return string.Empty;
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        internal static string FromUtf8(byte[] buf)
        {
            int n = Array.IndexOf(buf, (byte)0);
            return Encoding.UTF8.GetString(buf, 0, n < 0 ? buf.Length : n);
        }

        internal static string LastError() { return FromUtf8(sw_last_error()); }
    }
}
