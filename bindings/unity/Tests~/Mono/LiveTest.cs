// Console test of the Unity package under Mono, against a real `soundweaver serve --port 0`:
// the P/Invoke layer (SoundweaverSession) and the two MonoBehaviours, driven the way Unity would
// (lifecycle calls on a "main thread", OnAudioFilterRead on an "audio thread").
// Exit code 0 when every check passes. Run by run.sh.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using Soundweaver;
using UnityEngine;

static class LiveTest
{
    static int failures;
    static int checks;
    static long framesRead;
    static float peakRead;
    static bool stopAudio;

    static void Check(bool ok, string what)
    {
        checks++;
        if (!ok) failures++;
        Console.WriteLine((ok ? "  ok   " : "  FAIL ") + what);
    }

    static bool WaitFor(Func<bool> pred, int timeoutMs)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            if (pred()) return true;
            Thread.Sleep(10);
        }
        return pred();
    }

    // ---- server ---------------------------------------------------------------------------

    static Process StartServer(out string address)
    {
        string cmd = Environment.GetEnvironmentVariable("SOUNDWEAVER_SERVER_CMD");
        if (string.IsNullOrEmpty(cmd)) cmd = "soundweaver serve --host 127.0.0.1 --port 0";
        var psi = new ProcessStartInfo("/bin/sh", "-c \"exec " + cmd.Replace("\"", "\\\"") + "\"")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var p = Process.Start(psi);
        string found = null;
        var ready = new ManualResetEvent(false);
        var log = new List<string>();
        p.ErrorDataReceived += (s, e) =>
        {
            if (e.Data == null) return;
            lock (log) log.Add(e.Data);
            var m = Regex.Match(e.Data, @"listening on (\S+)");
            if (m.Success && found == null)
            {
                found = m.Groups[1].Value;
                ready.Set();
            }
        };
        p.OutputDataReceived += (s, e) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        if (!ready.WaitOne(90000))
        {
            try { p.Kill(); } catch (Exception) { }
            lock (log) throw new Exception("server did not start: " + string.Join("\n", log.ToArray()));
        }
        address = found;
        return p;
    }

    // ---- the P/Invoke layer ---------------------------------------------------------------

    static void SessionLayer(string address)
    {
        Console.WriteLine("SoundweaverSession (P/Invoke layer)");
        Check(SoundweaverSession.LibraryVersion == 100, "library version 0.1.0");
        Check(SoundweaverSession.NativeConfigSize() == SoundweaverSession.ManagedConfigSize(),
              "sw_config layout: native " + SoundweaverSession.NativeConfigSize() + " bytes == managed " + SoundweaverSession.ManagedConfigSize());

        try
        {
            new SoundweaverSession(new SessionOptions { Server = "" });
            Check(false, "empty server is rejected");
        }
        catch (SoundweaverException ex)
        {
            Check(ex.Code == SwResult.InvalidArgument && ex.Message.Contains("server"), "empty server is rejected: " + ex.Message);
        }

        using (var s = new SoundweaverSession(new SessionOptions { Server = address, LookaheadMs = 300, Seed = 5 }))
        {
            s.Start(30000);
            Check(s.State == SessionState.Streaming, "started: " + s.State);
            SessionFormat f;
            Check(s.TryGetFormat(out f) && f.SampleRate == 48000 && f.Channels == 2 && f.WireEncoding == WireEncoding.PcmF32,
                  "format 48000 Hz x2 float: " + f.SampleRate + " x" + f.Channels + " " + f.WireEncoding);
            Check(!string.IsNullOrEmpty(s.SessionId), "session id " + s.SessionId);
            s.SetParameter("tension", 0.7f);
            s.SetState("weather", "storm");
            s.SetSwitch("surface", "snow");
            s.SendCue("thunder roaring, a wolf howls", "mono-1");
            s.SendScriptCue("no_such_script", new Dictionary<string, string> { { "who", "guard" } }, "mono-script");

            // The audio thread: 10 ms every 10 ms.
            var audio = new Thread(() =>
            {
                var buf = new float[480 * 2];
                var clock = Stopwatch.StartNew();
                long tick = 0;
                while (!Volatile.Read(ref stopAudio))
                {
                    int n = s.Read(buf, 480);
                    Interlocked.Add(ref framesRead, n);
                    float pk = 0;
                    for (int i = 0; i < n * 2; i++) pk = Math.Max(pk, Math.Abs(buf[i]));
                    if (pk > Volatile.Read(ref peakRead)) Volatile.Write(ref peakRead, pk);
                    tick++;
                    int wait = (int)(tick * 10 - clock.ElapsedMilliseconds);
                    if (wait > 0) Thread.Sleep(wait);
                }
            });
            audio.Start();

            bool sawPlan = false, sawNotice = false;
            WaitFor(() =>
            {
                SoundweaverEvent e;
                while (s.TryPollEvent(out e))
                {
                    var plan = e as PlanUpdate;
                    if (plan != null && (plan.CueId == "mono-1" || plan.Sounds.Exists(x => x.CueId == "mono-1"))) sawPlan = true;
                    var notice = e as ServerNotice;
                    if (notice != null && notice.CueId == "mono-script") sawNotice = true;
                }
                return sawPlan && sawNotice;
            }, 20000);
            Check(sawPlan, "plan update for cue mono-1");
            Check(sawNotice, "notice for the unknown scripted cue");
            Check(WaitFor(() => Volatile.Read(ref peakRead) > 1e-3f, 20000), "audible audio read: peak " + Volatile.Read(ref peakRead));

            s.DropConnection();
            Check(WaitFor(() => s.GetStats().Reconnects >= 1, 30000), "resumed after a dropped connection");
            long before = (long)s.GetStats().FramesReceived;
            Check(WaitFor(() => (long)s.GetStats().FramesReceived > before + 4800, 30000), "audio continues after resume");
            Check(WaitFor(() => Interlocked.Read(ref framesRead) > 48000, 30000), "over a second of audio read: " + Interlocked.Read(ref framesRead));
            Volatile.Write(ref stopAudio, true);
            audio.Join();
            Check(Volatile.Read(ref peakRead) < 1.5f, "sane level: peak " + Volatile.Read(ref peakRead));

            var st = s.GetStats();
            Check(st.GapFrames == 0 && st.OverlapFrames == 0, "no gap, no repeat (gap " + st.GapFrames + ", overlap " + st.OverlapFrames + ", gaps repaired by resuming " + st.GapRepairs + ")");
            Check(st.AcksSent > 10, "acks sent: " + st.AcksSent);
            s.End("done", 15000);
            Check(s.State == SessionState.Ended, "ended: " + s.State);
            try
            {
                s.SendCue("too late");
                Check(false, "cue after end fails");
            }
            catch (SoundweaverException ex)
            {
                Check(ex.Code == SwResult.Ended, "cue after end fails: " + ex.Code);
            }
        }

        using (var r = new SoundweaverSession(new SessionOptions { Server = address }))
        {
            try
            {
                r.Resume("no-such-session", 0, 20000);
                Check(false, "resume of an unknown session fails");
            }
            catch (SoundweaverException ex)
            {
                Check(ex.Code == SwResult.NotFound, "resume of an unknown session: " + ex.Message);
            }
        }
    }

    // ---- the MonoBehaviours, as Unity would drive them ------------------------------------

    static T Bind<T>(object target, string method) where T : class
    {
        var mi = target.GetType().GetMethod(method, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        return Delegate.CreateDelegate(typeof(T), target, mi) as T;
    }

    static void Components(string address)
    {
        Console.WriteLine("SoundweaverClient + SoundweaverSource (MonoBehaviours)");
        AudioSettings.outputSampleRate = 44100;  // a 44.1 kHz mixer: the session follows it
        var go = new GameObject("soundweaver");
        go.AddComponent<AudioSource>();
        var client = go.AddComponent<SoundweaverClient>();
        client.server = address;
        client.lookaheadMs = 200;
        client.narrative = "a busy harbour: gulls, waves against the pier, a ship's horn";
        var source = go.AddComponent<SoundweaverSource>();

        Bind<Action>(source, "Awake")();
        Bind<Action>(client, "OnEnable")();
        Bind<Action>(source, "Start")();
        var update = Bind<Action>(client, "Update");
        var filter = Bind<Action<float[], int>>(source, "OnAudioFilterRead");
        Check(go.GetComponent<AudioSource>().isPlaying, "source started its AudioSource");

        var plans = new List<PlanUpdate>();
        client.PlanUpdated += p => plans.Add(p);
        int changes = 0;
        client.ConnectionChanged += c => changes++;

        // Unity's audio thread: 1024-frame stereo callbacks at 44.1 kHz (~23 ms).
        bool stop = false;
        float peak = 0;
        long allocated = -1;
        var allocMethod = typeof(GC).GetMethod("GetAllocatedBytesForCurrentThread", BindingFlags.Public | BindingFlags.Static);
        var audio = new Thread(() =>
        {
            var data = new float[1024 * 2];
            Func<long> alloc = allocMethod == null ? null : (Func<long>)Delegate.CreateDelegate(typeof(Func<long>), allocMethod);
            var clock = Stopwatch.StartNew();
            long calls = 0;
            long a0 = 0;
            while (!Volatile.Read(ref stop))
            {
                if (calls == 50 && alloc != null) a0 = alloc();  // after warm-up (JIT)
                filter(data, 2);
                if (calls == 150 && alloc != null) allocated = alloc() - a0;
                for (int i = 0; i < data.Length; i++) peak = Math.Max(peak, Math.Abs(data[i]));
                calls++;
                long due = calls * 1024 * 1000 / 44100;
                int wait = (int)(due - clock.ElapsedMilliseconds);
                if (wait > 0) Thread.Sleep(wait);
            }
        });
        audio.Start();

        var clock2 = Stopwatch.StartNew();
        bool sent = false;
        while (clock2.ElapsedMilliseconds < 4500)
        {
            update();  // main thread frame
            if (!sent && client.State == SessionState.Streaming)
            {
                sent = client.SendCue("a ship's bell rings twice", "bell-1")
                       & client.SetParameter("tension", 0.2f)
                       & client.SetState("weather", "fog")
                       & client.SetSwitch("surface", "wood");
            }
            Thread.Sleep(16);
        }
        Volatile.Write(ref stop, true);
        audio.Join();

        SessionFormat f;
        Check(client.Session != null && client.Session.TryGetFormat(out f) && f.SampleRate == 44100,
              "session follows the mixer rate (44100)");
        Check(sent, "cue, parameter, state, switch sent");
        Check(plans.Exists(p => p.CueId == "bell-1" || p.Sounds.Exists(x => x.CueId == "bell-1")), "PlanUpdated raised for bell-1 on the main thread");
        Check(changes >= 2, "ConnectionChanged raised (" + changes + ")");
        Check(source.FramesFromStream > 44100, "OnAudioFilterRead played over a second of stream: " + source.FramesFromStream);
        Check(peak > 1e-3f, "audible output: peak " + peak);
        if (allocMethod == null) Console.WriteLine("  skip allocation check (no GC.GetAllocatedBytesForCurrentThread in this runtime)");
        else Check(allocated == 0, "OnAudioFilterRead allocates nothing: " + allocated + " bytes over 100 callbacks");
        var stats = client.Session.GetStats();
        Check(stats.GapFrames == 0 && stats.OverlapFrames == 0, "no gap, no repeat");

        Bind<Action>(client, "OnDisable")();
        Check(client.Session == null && client.State == SessionState.Idle, "OnDisable ended and freed the session");
        var after = new float[512 * 2];
        for (int i = 0; i < after.Length; i++) after[i] = 1f;
        filter(after, 2);  // the audio thread may still call once more: silence, no exception
        bool silent = true;
        foreach (var x in after) silent &= x == 0f;
        Check(silent, "after the session: the source outputs silence");
        lock (UnityEngine.Debug.Errors) Check(UnityEngine.Debug.Errors.Count == 0, "no Debug.LogError");
    }

    static int Main()
    {
        Process server = null;
        try
        {
            string address;
            server = StartServer(out address);
            Console.WriteLine("server on " + address);
            SessionLayer(address);
            Components(address);
        }
        catch (Exception ex)
        {
            Console.WriteLine("FAIL: " + ex);
            failures++;
        }
        finally
        {
            if (server != null && !server.HasExited)
            {
                try { server.Kill(); server.WaitForExit(5000); } catch (Exception) { }
            }
        }
        Console.WriteLine(failures == 0 ? "PASS: " + checks + " checks" : "FAILED: " + failures + " of " + checks + " checks");
        return failures == 0 ? 0 : 1;
    }
}
