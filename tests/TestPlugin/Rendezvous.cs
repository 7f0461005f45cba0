using System.Diagnostics;
using System.Text.Json;

namespace TalkingBinaries.TestPlugin;

/// <summary>
/// Config any mode takes: <c>touch</c> names a file to create as the step starts, and <c>await</c> lists files to wait
/// for (up to 30 s in all) before the mode runs, so a spec can order steps in different processes without guessing at
/// timing.
/// </summary>
internal static class Rendezvous
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static void Keep(JsonElement config)
    {
        if (config.TryGetProperty("touch", out var touch))
        {
            File.WriteAllText(touch.GetString()!, string.Empty);
        }

        if (config.TryGetProperty("await", out var awaited))
        {
            var waited = Stopwatch.StartNew();
            foreach (var path in awaited.EnumerateArray().Select(item => item.GetString()!))
            {
                while (!File.Exists(path) && waited.Elapsed < Patience)
                {
                    Thread.Sleep(5);
                }
            }
        }
    }
}
