using Soundweaver;
using UnityEngine;

// Drop on a GameObject with an AudioSource, a SoundweaverClient and a SoundweaverSource.
// Space: a narrative cue. T / G: tension up / down. R: weather toggles rain <-> clear.
public class SoundweaverDemo : MonoBehaviour
{
    public SoundweaverClient client;
    float tension = 0.3f;
    bool raining;

    void Awake()
    {
        if (client == null) client = GetComponent<SoundweaverClient>();
        client.PlanUpdated += plan =>
        {
            foreach (var s in plan.Sounds)
                if (s.State == EventState.Scheduled)
                    Debug.Log(string.Format("{0,6:0.00}s  {1,-14} {2}", s.StartSeconds, s.SoundClass, s.Caption));
        };
        client.NoticeReceived += n => Debug.Log("notice " + n.Code + ": " + n.Message);
    }

    void Update()
    {
        if (Input.GetKeyDown(KeyCode.Space))
            client.SendCue("Mystery chase: footsteps splashing in water, thunder roaring, a door slamming shut");
        if (Input.GetKeyDown(KeyCode.T)) client.SetParameter("tension", tension = Mathf.Min(1f, tension + 0.1f));
        if (Input.GetKeyDown(KeyCode.G)) client.SetParameter("tension", tension = Mathf.Max(0f, tension - 0.1f));
        if (Input.GetKeyDown(KeyCode.R)) client.SetState("weather", (raining = !raining) ? "rain" : "clear");
    }
}
