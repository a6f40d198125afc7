using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MaskTrainer.Model;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MaskTrainer.Model;

/// <summary>
/// A trained face-mask classifier: an ML.NET model (<see cref="Transformer"/>, image →
/// <c>PredictedLabel</c>/<c>Score</c>) plus MaskTrainer's <see cref="Metadata"/> (labels,
/// face-crop policy, backbone, metrics). Immutable. Saved as an ML.NET zip that
/// <c>new MLContext().Model.Load</c> opens in any program; our metadata is one extra entry.
/// Create prediction engines with <see cref="CreatePredictionEngine"/> (one per thread: ML.NET's
/// engines are not thread-safe) or share a <see cref="MaskPredictor"/>.
/// </summary>
public sealed class MaskModel : IDisposable
{
    /// <summary>The model's file name where none is given: a folder named as the model means this file in it (<see cref="FileIn"/>).</summary>
    public const string DefaultFileName = "mask_model.zip";

    /// <summary>Where <c>./train.sh</c> writes the model and the other commands look for it, relative to the working directory.</summary>
    public static readonly string DefaultPath = Path.Combine("artifacts", DefaultFileName);

    /// <summary>
    /// The model file <paramref name="path"/> names: itself, or <see cref="DefaultFileName"/> in it when
    /// it names a folder (one that exists, or any path ending in a separator), so that
    /// <c>--output out/</c> and <c>--model artifacts</c> mean what a user expects.
    /// </summary>
    public static string FileIn(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool folder = Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar);
        return folder ? Path.Combine(path, DefaultFileName) : path;
    }

    /// <summary>
    /// The model file training writes for <paramref name="path"/>: as <see cref="FileIn"/>, and a
    /// new name without an extension is a folder too, so <c>-o runs/masks</c> means
    /// <c>runs/masks/mask_model.zip</c>, not a zip named <c>masks</c>. An existing file keeps its name.
    /// </summary>
    public static string OutputFileIn(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool newFolder = !File.Exists(path) && !Directory.Exists(path) && Path.GetExtension(path).Length == 0;
        return newFolder ? Path.Combine(path, DefaultFileName) : FileIn(path);
    }

    /// <summary>The largest <see cref="FaceCropPolicy.Margin"/> a model may record: one face box of context on every side.</summary>
    public const float MaxMargin = 1;

    // Zip entry times are fixed so that the same seed writes the same bytes.
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Both changed with Interlocked only (full fences): a Use that sees _disposed still 0 has
    // already counted itself in _inUse, so Dispose, which sets _disposed first, waits for it.
    private int _disposed;
    private int _inUse;

    // The models this thread holds a lease on, once per lease (a Save into a non-seekable stream
    // nests two): Dispose on a thread that holds one of this model's would wait for itself forever.
    // Per model, not a bare count: a thread predicting with one model may dispose another.
    [ThreadStatic]
    private static List<MaskModel>? t_leased;

    private MaskModel(MLContext ml, ITransformer featurizer, ITransformer head, ModelMetadata metadata)
    {
        Context = ml;
        Featurizer = featurizer;
        Head = head;
        Metadata = metadata;
        Transformer = new TransformerChain<ITransformer>(featurizer, head);
    }

    /// <summary>The ML.NET context the model lives in (seeded; its ONNX threads set at load).</summary>
    public MLContext Context { get; }

    /// <summary>The whole chain: <c>Image</c> → <c>Features</c> → <c>Score</c>, <c>PredictedLabel</c>.</summary>
    public ITransformer Transformer { get; }

    /// <summary>The frozen part: ResizeImages → ExtractPixels → ApplyOnnxModel (image → <c>Features</c>).</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The trained part: <c>Features</c> → <c>Score</c>, <c>PredictedLabel</c>.</summary>
    public ITransformer Head { get; }

    /// <summary>What MaskTrainer records beside the ML.NET model.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>Class names in <see cref="ModelOutput.Score"/> order.</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;

    /// <summary>How faces must be cropped before they reach the model.</summary>
    public FaceCropPolicy FaceCrop => Metadata.FaceCrop;

    /// <summary>
    /// Puts a fitted head behind a featurizer from <see cref="FitFeaturizer"/> (the model owns both from now on).
    /// </summary>
    public static MaskModel Create(MLContext ml, ITransformer featurizer, ITransformer head, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(metadata);
        return new MaskModel(ml, featurizer, head, metadata);
    }

    /// <summary>
    /// The featurizer part, fitted on an empty view only to bind its schema (it has no trainable
    /// state); ApplyOnnxModel loads the backbone into ONNX Runtime here. Training builds it in an
    /// MLContext of its own on the second core while the head trains on one thread: an MLContext
    /// must not be used by two threads at once.
    /// </summary>
    /// <param name="threads">ONNX Runtime threads of the backbone (0 = every core).</param>
    public static ITransformer FitFeaturizer(MLContext ml, PixelGraph backbone, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return MaskModelTraining.BuildFeaturizer(ml, backbone, threads).Fit(EmptyInput(ml));
    }

    /// <summary>
    /// A new ML.NET prediction engine. Not thread-safe: one per thread (or use <see cref="MaskPredictor"/>).
    /// Disposing it leaves the model usable (ML.NET's default would dispose the model's ONNX session with it).
    /// It disposes an image already at the backbone's input size on its next Predict (ML.NET's
    /// dotnet/machinelearning#7444): give it a new MLImage each time, or use <see cref="MaskPredictor"/>, which copies such images.
    /// Its predictions are not counted as uses of the model: <see cref="Dispose"/> does not wait for
    /// them, so, as in ML.NET, the engine must not be used once the model is disposed (a prediction
    /// under way then can end the process). <see cref="MaskPredictor"/>'s are counted.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public PredictionEngine<ModelInput, ModelOutput> CreatePredictionEngine()
    {
        using var use = Use();
        return Context.Model.CreatePredictionEngine<ModelInput, ModelOutput>(Transformer, new PredictionEngineOptions { OwnsTransformer = false });
    }

    /// <summary>ML.NET's metrics of the head on a <see cref="FeatureDataView"/> (cached features).</summary>
    public ClassificationMetrics EvaluateFeatures(IDataView features)
    {
        using var use = Use();
        return ClassificationMetrics.Evaluate(Context, Head.Transform(features), Labels);
    }

    /// <summary>
    /// Saves to <paramref name="path"/> through a temp file and a rename: a failure leaves any previous
    /// file untouched, and no folder made for it.
    /// </summary>
    /// <param name="path">The model zip, or a folder for <see cref="DefaultFileName"/> (<see cref="FileIn"/>: what <see cref="Load(string, int)"/>
    /// reads back from the same path); folders that do not exist yet are made.</param>
    /// <exception cref="ModelFileException">The file cannot be written there (the message names it and says why).</exception>
    public void Save(string path)
    {
        var file = FileIn(path);
        ThrowIfDisposed(); // before the temp file is made
        if (Directory.Exists(file))
        {
            throw new ModelFileException(file, "cannot save the model: a folder of that name is in the way");
        }

        if (FilePaths.FileInTheWay(file) is { } blocking)
        {
            throw new ModelFileException(file, $"cannot save the model: {blocking} is a file, not a folder");
        }

        var folder = Path.GetDirectoryName(FilePaths.WriteTarget(file))!;
        var made = FilePaths.MissingFolders(folder);
        try
        {
            AtomicFile.Write(file, Save);
        }
        catch (Exception e)
        {
            FilePaths.DeleteMadeFolders(made);
            if (e is IOException or UnauthorizedAccessException)
            {
                // .NET's message names the temp file, which is gone by now.
                throw new ModelFileException(file, $"the model could not be saved: {FilePaths.WhyNotWritten(e, folder)}; a file there before is left as it was", e);
            }

            throw;
        }
    }

    /// <summary>Writes the ML.NET zip (<c>Model.Save</c> of <see cref="Transformer"/>) with the metadata entry added.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var use = Use();
        if (!stream.CanSeek || !stream.CanRead)
        {
            using var buffer = new MemoryStream();
            Save(buffer);
            buffer.Position = 0;
            buffer.CopyTo(stream);
            return;
        }

        long start = stream.Position;
        Context.Model.Save(Transformer, EmptyInput(Context).Schema, stream);
        stream.Position = start;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.CreateEntry(ModelMetadata.EntryName, CompressionLevel.Optimal);
            using (var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false)))
            {
                writer.Write(Metadata.ToJson());
            }

            foreach (var e in zip.Entries)
            {
                e.LastWriteTime = EntryTime;
            }
        }
    }

    /// <summary>
    /// Loads a model zip. The backbone runs with <paramref name="threads"/> ONNX Runtime threads:
    /// ML.NET does not save that option, so it is set on the context before ML.NET loads the chain.
    /// </summary>
    /// <param name="path">The model zip, or a folder holding <see cref="DefaultFileName"/>.</param>
    /// <param name="threads">ONNX Runtime threads for the backbone (0 = one per core).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    /// <exception cref="ModelFileException">Missing, not a zip, truncated, not made by MaskTrainer, of a newer or older format,
    /// ML.NET cannot load it, or its metadata's labels or backbone sizes are not the ML.NET model's own.</exception>
    public static MaskModel Load(string path, int threads = 0)
    {
        int intraOp = BackboneEstimator.ThreadsOrAll(threads); // before the file is looked at
        var file = Exists(path);
        // The zip's checksums on a stream of their own, beside ML.NET's load (which leaves a core idle):
        // a flipped bit in a weight loads without an error and scores differently.
        var damage = Task.Run(() =>
        {
            try
            {
                using var check = File.OpenRead(file);
                return ZipChecksums.Damage(check);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null; // unreadable or not a zip at all: the load itself names what is wrong with the file
            }
        });
        using var stream = File.OpenRead(file);
        try
        {
            return Load(stream, file, intraOp, damage);
        }
        finally
        {
            damage.Wait(); // never left reading the file after Load returns or throws
        }
    }

    /// <summary>
    /// The model file <paramref name="path"/> names (<see cref="FileIn"/>), checked to exist; checked
    /// before anything is loaded, as the most common mistake should fail in milliseconds.
    /// </summary>
    /// <exception cref="ModelFileException">There is no such file (the message names <paramref name="path"/>).</exception>
    public static string Exists(string path)
    {
        var file = FileIn(path);
        if (File.Exists(file))
        {
            // Opening a named pipe would wait for a writer forever.
            return FilePaths.WhyNotRegularFile(file) is { } special ? throw new ModelFileException(path, special) : file;
        }

        throw new ModelFileException(path, file != path && Directory.Exists(path) ? InFolder(path, file)
            : "model file not found (train one with ./train.sh, or pass --model)");
    }

    /// <summary>Why the folder <paramref name="folder"/> gives no model: what stands at <paramref name="file"/>, or the zips it holds instead.</summary>
    private static string InFolder(string folder, string file)
    {
        if (Directory.Exists(file))
        {
            return $"{file} is a folder, not a model file (pass --model with the zip itself)";
        }

        // A model saved under another name (a copy, a second run) is the likeliest intent: name a few.
        List<string?> zips;
        try
        {
            zips = Directory.EnumerateFiles(folder, "*.zip").Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(4).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            zips = []; // unreadable: the plain message below
        }

        var others = zips.Count == 0 ? "" : $"; it holds {string.Join(", ", zips.Take(3))}{(zips.Count > 3 ? ", …" : "")}: pass --model with one of them";
        return $"a folder without a {DefaultFileName} in it{(others.Length > 0 ? others : " (train one with ./train.sh, or pass --model FILE)")}";
    }

    private static string Damaged(string damage) => $"the file is damaged ({damage}): copy or train it again";

    /// <inheritdoc cref="Load(string, int)"/>
    public static MaskModel Load(Stream stream, int threads = 0) => Load(stream, "<stream>", BackboneEstimator.ThreadsOrAll(threads), damage: null);

    /// <param name="threads">ONNX Runtime threads, resolved (<see cref="BackboneEstimator.ThreadsOrAll"/>).</param>
    /// <param name="damage">What <see cref="ZipChecksums.Damage"/> found in the file, computed beside the load; null: checked here, in turn.</param>
    private static MaskModel Load(Stream stream, string name, int threads, Task<string?>? damage)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        long start = stream.Position;
        var metadata = ReadMetadata(stream, name);
        stream.Position = start;
        damage ??= Task.FromResult(ZipChecksums.Damage(stream)); // leaves the position where it was

        var ml = new MLContext(seed: 0);
        BackboneEstimator.UseThreads(ml, threads);
        ITransformer loaded;
        try
        {
            loaded = ml.Model.Load(stream, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ML.NET's own words ("Error during class instantiation") do not say what is wrong:
            // a damaged copy is by far the likeliest, and the zip's checksums can tell.
            throw new ModelFileException(name, damage.Result is { } damaged
                ? Damaged(damaged)
                : $"the file is damaged or not a model of this tool (ML.NET: {FirstLine(Innermost(e).Message)})", e);
        }

        if (damage.Result is { } damagedButLoaded)
        {
            (loaded as IDisposable)?.Dispose();
            throw new ModelFileException(name, Damaged(damagedButLoaded));
        }

        if (loaded is not TransformerChain<ITransformer> chain || chain.Count() != 2)
        {
            (loaded as IDisposable)?.Dispose();
            throw new ModelFileException(name, "the ML.NET model is not a MaskTrainer chain (featurizer, head)");
        }

        try
        {
            ModelSchemaCheck.Check(chain, EmptyInput(ml).Schema, metadata, name);
        }
        catch
        {
            chain.Dispose();
            throw;
        }

        var parts = chain.ToArray();
        return new MaskModel(ml, parts[0], parts[1], metadata);
    }

    private static ModelMetadata ReadMetadata(Stream stream, string name)
    {
        long start = stream.Position;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry(ModelMetadata.EntryName);
            if (entry is null)
            {
                throw new ModelFileException(name,
                    zip.GetEntry("TransformerChain/Model.key") is not null
                        ? $"an ML.NET model without MaskTrainer's {ModelMetadata.EntryName} (labels, face crop); it was not trained by MaskTrainer"
                    : zip.GetEntry("manifest.json") is not null
                        ? "made by an older MaskTrainer (before models were ML.NET models): retrain it with ./train.sh"
                        : "not a MaskTrainer model (a zip without an ML.NET model in it)");
            }

            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            var metadata = ModelMetadata.FromJson(reader.ReadToEnd());
            if (metadata.FormatVersion > ModelMetadata.CurrentFormatVersion)
            {
                throw new ModelFileException(name, $"made by a newer MaskTrainer (format {metadata.FormatVersion}; this one reads up to {ModelMetadata.CurrentFormatVersion}): update MaskTrainer");
            }

            if (metadata.FormatVersion < ModelMetadata.CurrentFormatVersion)
            {
                throw new ModelFileException(name, $"made by an older MaskTrainer (format {metadata.FormatVersion}, before models were ML.NET models): retrain it with ./train.sh");
            }

            if (metadata.Labels is not { Count: >= 2 })
            {
                throw new ModelFileException(name, "the metadata names fewer than two labels");
            }

            // Checked before ML.NET loads anything; that the sizes are the model's own is checked after (ModelSchemaCheck).
            if (metadata.Backbone is null || metadata.FaceCrop is null)
            {
                throw new ModelFileException(name, $"the metadata has no {(metadata.Backbone is null ? "backbone" : "faceCrop")}");
            }

            if (metadata.Backbone.InputWidth <= 0 || metadata.Backbone.InputHeight <= 0)
            {
                throw new ModelFileException(name, $"backbone.inputWidth and inputHeight must be more than 0, got {metadata.Backbone.InputWidth}x{metadata.Backbone.InputHeight}");
            }

            if (metadata.Backbone.FeatureSize <= 0)
            {
                throw new ModelFileException(name, $"backbone.featureSize must be more than 0, got {metadata.Backbone.FeatureSize}");
            }

            if (metadata.FaceCrop.MinFaceSize < 0)
            {
                throw new ModelFileException(name, $"faceCrop.minFaceSize must be 0 or more, got {metadata.FaceCrop.MinFaceSize}");
            }

            // Hand edits: training writes 0.2 (FaceCropOptions.Training). A negative margin cuts into
            // the face (at -0.5 and below the crop is one pixel); a large one makes every face crop a
            // huge copy of the frame (100: 6.9 s for one photo). One box width of context on every
            // side (a crop three boxes wide) is already more than any model here was trained on.
            if (!(metadata.FaceCrop.Margin is >= 0 and <= MaxMargin))
            {
                throw new ModelFileException(name, string.Create(CultureInfo.InvariantCulture,
                    $"faceCrop.margin must be between 0 and {MaxMargin} (a fraction of the face box; training writes {FaceCropOptions.Training.Margin}), got {metadata.FaceCrop.Margin}"));
            }

            if (!(metadata.FaceCrop.MinConfidence is >= 0 and <= 1))
            {
                throw new ModelFileException(name, string.Create(CultureInfo.InvariantCulture,
                    $"faceCrop.minConfidence must be between 0 and 1, got {metadata.FaceCrop.MinConfidence}"));
            }

            return metadata;
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(name, NotReadableZip(stream, start, e), e);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(name, $"{ModelMetadata.EntryName} is not valid: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Why the zip reader refused the file. .NET says "End of Central Directory record could not be
    /// found" of a photo given as --model and of half a model alike: a file that does not even start
    /// as a zip does ("PK") is said plainly not to be a model zip, without .NET's words.
    /// </summary>
    private static string NotReadableZip(Stream stream, long start, InvalidDataException e)
    {
        Span<byte> head = stackalloc byte[2];
        stream.Position = start;
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return "an empty file, not a model zip (a model is the .zip ./train.sh writes)";
        }

        return read == head.Length && head[0] == 'P' && head[1] == 'K'
            ? $"not a readable zip (corrupt or truncated): {FirstLine(e.Message)}"
            : "not a model zip (not a zip file at all; a model is the .zip ./train.sh writes)";
    }

    /// <summary>The exception at the bottom of <paramref name="e"/>'s chain: ML.NET wraps the cause in reflection's "target of an invocation".</summary>
    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }

    private static IDataView EmptyInput(MLContext ml) => ml.Data.LoadFromEnumerable(Array.Empty<ModelInput>());

    /// <summary>The first line of an ML.NET or ONNX Runtime message (they append stack-like detail), for one-line errors.</summary>
    internal static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> once the model is disposed: ML.NET's disposed
    /// transformers fail with a NullReferenceException that says nothing of the cause.
    /// </summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Marks a use of the model's ONNX sessions (a prediction) until the lease is disposed:
    /// <see cref="Dispose"/> waits for every lease before it frees the sessions, as a session freed
    /// while it runs ends the process (SIGSEGV). Two interlocked operations and a note in a
    /// per-thread list (allocated once per thread). The lease must end on the thread that took it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal Lease Use()
    {
        Interlocked.Increment(ref _inUse);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _inUse);
            ThrowIfDisposed();
        }

        (t_leased ??= []).Add(this);
        return new Lease(this);
    }

    /// <summary>One use of the model (<see cref="Use"/>); Dispose ends it.</summary>
    internal readonly struct Lease(MaskModel model) : IDisposable
    {
        public void Dispose()
        {
            var leased = t_leased!;
            leased.RemoveAt(leased.LastIndexOf(model));
            Interlocked.Decrement(ref model._inUse);
        }
    }

    /// <summary>
    /// Releases the ONNX sessions (and the temp copy ML.NET made of the backbone on load), once the
    /// uses running on other threads have finished: predictions through <see cref="MaskPredictor"/>,
    /// <see cref="FacePredictor"/> or <see cref="MaskModelConsumption"/>, saves, evaluations. Engines
    /// from <see cref="CreatePredictionEngine"/> are not waited for and must not be used after it.
    /// Later use throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called on a thread that is itself using the model
    /// (e.g. from the stream a <see cref="Save(Stream)"/> writes to): it cannot wait for its own use
    /// to end. The model is left as it was, to be disposed once that use is over.</exception>
    public void Dispose()
    {
        if (t_leased?.Contains(this) == true && Volatile.Read(ref _disposed) == 0)
        {
            throw new InvalidOperationException("MaskModel.Dispose was called while this thread is using the model (e.g. from the stream of its own Save): it would wait for itself forever; dispose it after that use ends.");
        }

        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // No new use starts now; the ones under way take milliseconds (one prediction, or a save).
        SpinWait.SpinUntil(() => Volatile.Read(ref _inUse) == 0);
        (Featurizer as IDisposable)?.Dispose();
        (Head as IDisposable)?.Dispose();
    }
}
