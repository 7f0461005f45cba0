using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace TalkingBinaries.Cli.Tests;

/// <summary>A private npm registry on 127.0.0.1 serving tarballs made with <c>npm pack</c>: what npm needs to install <c>name@version</c>.</summary>
/// <remarks>
/// It answers the two requests <c>npm install</c> makes: the package document (<c>GET /name</c>) and the tarball it
/// names. npm reaches it through its own configuration (<c>npm_config_registry</c>), as it would a company's registry.
/// </remarks>
internal sealed class NpmRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (JsonObject Manifest, byte[] Tarball)> _packages = new(StringComparer.Ordinal);
    private readonly Task _serving;
    private readonly CancellationTokenSource _closing = new();

    public NpmRegistry()
    {
        // HttpListener takes a fixed port; ask the kernel for a free one first.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Requests { get; private set; }

    /// <summary>While true, requests get no answer: a registry that hangs, as one behind a dead proxy does.</summary>
    public bool Stalled { get; set; }

    /// <summary>Publishes the tarball <paramref name="tarball"/> (from <c>npm pack</c>) whose package.json is <paramref name="manifest"/>.</summary>
    public void Publish(JsonObject manifest, string tarball)
    {
        var name = manifest["name"]!.GetValue<string>();
        var version = manifest["version"]!.GetValue<string>();
        lock (_packages)
        {
            _packages[$"{name}@{version}"] = (manifest, File.ReadAllBytes(tarball));
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _closing.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests++;
            if (Stalled)
            {
                _ = Task.Delay(Timeout.Infinite, _closing.Token).ContinueWith(_ => context.Response.Abort(), TaskScheduler.Default);
                continue;
            }

            using var response = context.Response;
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath.TrimStart('/'));
            var body = Answer(path, out var contentType);
            response.StatusCode = body is null ? 404 : 200;
            response.ContentType = contentType;
            body ??= "{\"error\":\"not found\"}"u8.ToArray();
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
        }
    }

    private byte[]? Answer(string path, out string contentType)
    {
        contentType = "application/json";
        lock (_packages)
        {
            // A tarball: <name>/-/<file>.tgz
            var dash = path.IndexOf("/-/", StringComparison.Ordinal);
            if (dash > 0)
            {
                contentType = "application/octet-stream";
                var (name, file) = (path[..dash], path[(dash + 3)..]);
                return _packages.Values.FirstOrDefault(package => TarballName(package.Manifest) == file && package.Manifest["name"]!.GetValue<string>() == name).Tarball;
            }

            var versions = new JsonObject();
            string? latest = null;
            foreach (var (manifest, tarball) in _packages.Values.Where(package => package.Manifest["name"]!.GetValue<string>() == path))
            {
                var version = (JsonObject)manifest.DeepClone();
                version["dist"] = new JsonObject
                {
                    ["tarball"] = $"{Url}{path}/-/{TarballName(manifest)}",
                    ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
                };
                latest = manifest["version"]!.GetValue<string>();
                versions[latest] = version;
            }

            if (latest is null)
            {
                return null;
            }

            var document = new JsonObject { ["name"] = path, ["dist-tags"] = new JsonObject { ["latest"] = latest }, ["versions"] = versions };
            return Encoding.UTF8.GetBytes(document.ToJsonString());
        }
    }

    private static string TarballName(JsonObject manifest) =>
        $"{manifest["name"]!.GetValue<string>().Split('/')[^1]}-{manifest["version"]!.GetValue<string>()}.tgz";
}
