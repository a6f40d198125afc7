using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Features;

/// <summary>
/// The featurizing stage of training: dataset images in, backbone features out. Cached rows
/// are read first and their images are never decoded; the rest flow through a bounded
/// pipeline — decoder threads read, face-crop, augment and resize images while the calling
/// thread runs batched forward passes and writes each result to the cache as soon as it
/// exists, so an interrupted run keeps everything computed so far. Unreadable images are
/// skipped and listed with the decoder's reason, and so are images whose file changed after it
/// was hashed (<see cref="ChangedReason"/>): a cache entry always holds the features of the bytes its hash names.
/// </summary>
public sealed class DatasetFeaturizer
{
    /// <summary>
    /// Why an image is skipped whose file is no longer the one hashed when the folders were loaded
    /// (<see cref="ImageExample.ContentHash"/>): its features would be cached under the old hash.
    /// </summary>
    public const string ChangedReason = "changed while the run read it: not the content hashed when the folders were loaded, so nothing is cached for it (run again to use it)";

    // Cache entry tags: how the face-crop stage framed the image (0 = no face-crop stage).
    private const int TagFaceFound = 1, TagFaceFallback = 2;

    private readonly BottleneckCache? _cache;
    private readonly ImageAugmenter? _augmenter;
    private readonly FeaturizeOptions _options;

    /// <summary>Creates the stage.</summary>
    /// <param name="backbone">The frozen backbone; shared, not disposed here.</param>
    /// <param name="faceCrop">Crops each image to its main face first; null = use whole images.</param>
    /// <param name="cache">Where features are kept between runs; null = no cache.</param>
    /// <param name="augmentation">Augmented copies made when <see cref="Featurize"/> is asked to augment; null or 0 copies = none.</param>
    /// <param name="options">Parallelism and batch size; null = <see cref="FeaturizeOptions.Default"/>.</param>
    public DatasetFeaturizer(BackboneFeaturizer backbone, FaceCropStage? faceCrop = null, BottleneckCache? cache = null,
        AugmentationOptions? augmentation = null, FeaturizeOptions? options = null)
    {
        Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        FaceCrop = faceCrop;
        _cache = cache;
        _options = options ?? FeaturizeOptions.Default;
        _options.Validate();
        if (augmentation is { Copies: > 0 })
        {
            _augmenter = new ImageAugmenter(augmentation);
        }

        FaceCropKey = faceCrop?.CacheKey ?? FeatureKey.NoFaceCrop;
    }

    /// <summary>The backbone features come from.</summary>
    public BackboneFeaturizer Backbone { get; }

    /// <summary>The face-crop stage, or null when whole images are used.</summary>
    public FaceCropStage? FaceCrop { get; }

    /// <summary>The face-crop part of the cache keys (<see cref="FeatureKey.NoFaceCrop"/> without a stage).</summary>
    public string FaceCropKey { get; }

    /// <summary>Augmented copies per image when augmenting (0 when augmentation is off).</summary>
    public int Copies => _augmenter?.Options.Copies ?? 0;

    /// <summary>
    /// Features of <paramref name="examples"/> (and, when <paramref name="augment"/>, of
    /// <see cref="Copies"/> augmented copies of each). Images that cannot be read are skipped and
    /// listed in <see cref="FeaturizedData.Skipped"/>; everything else yields rows.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; every row computed before that stays cached.</exception>
    public FeaturizedData Featurize(IReadOnlyList<ImageExample> examples, bool augment = false,
        IProgress<FeaturizeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var clock = Stopwatch.StartNew();
        var run = new Run(this, examples, augment ? Copies : 0, progress, cancellationToken);
        run.ReadCache();
        run.ComputeMissing();
        return run.Finish(clock.Elapsed);
    }

    /// <summary>The state of one <see cref="Featurize"/> call.</summary>
    private sealed class Run
    {
        private readonly DatasetFeaturizer _owner;
        private readonly IReadOnlyList<ImageExample> _examples;
        private readonly IProgress<FeaturizeProgress>? _progress;
        private readonly CancellationToken _ct;
        private readonly int _perImage;
        private readonly int _dim;
        private readonly float[] _features;
        private readonly bool[] _done;
        private readonly int[] _tags;
        private readonly string?[] _skipReasons;
        private int _hits, _computed, _skippedRows;

        public Run(DatasetFeaturizer owner, IReadOnlyList<ImageExample> examples, int copies, IProgress<FeaturizeProgress>? progress, CancellationToken ct)
        {
            _owner = owner;
            _examples = examples;
            _progress = progress;
            _ct = ct;
            _perImage = 1 + copies;
            _dim = owner.Backbone.FeatureSize;
            int rows = checked(examples.Count * _perImage);
            _features = new float[checked((long)rows * _dim)];
            _done = new bool[rows];
            _tags = new int[examples.Count];
            _skipReasons = new string?[examples.Count];
        }

        private int TotalRows => _done.Length;

        private Channel<Item>? Queue { get; set; }

        /// <summary>Fills every row the cache has, in parallel (small files: latency-bound).</summary>
        public void ReadCache()
        {
            if (_owner._cache is not { } cache)
            {
                return;
            }

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, _owner._options.MaxDegreeOfParallelism), CancellationToken = _ct };
            Parallel.For(0, _examples.Count, parallel, i =>
            {
                for (int k = 0; k < _perImage; k++)
                {
                    int row = i * _perImage + k;
                    if (cache.TryRead(Key(i, k), RowSpan(row), out int tag))
                    {
                        _done[row] = true;
                        Interlocked.Increment(ref _hits);
                        if (k == 0 || _tags[i] == 0)
                        {
                            _tags[i] = tag;
                        }
                    }
                }
            });
            Report();
        }

        /// <summary>Decodes and featurizes the images that still have missing rows.</summary>
        public void ComputeMissing()
        {
            var pending = new List<int>();
            for (int i = 0; i < _examples.Count; i++)
            {
                if (Array.IndexOf(_done, false, i * _perImage, _perImage) >= 0)
                {
                    pending.Add(i);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            var options = _owner._options;
            Queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(2 * options.BatchSize) { SingleReader = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ct);
            int next = -1;
            var decoders = new Task[Math.Min(options.MaxDegreeOfParallelism, pending.Count)];
            for (int w = 0; w < decoders.Length; w++)
            {
                decoders[w] = Task.Run(() => DecodeAsync(pending, () => Interlocked.Increment(ref next), stop.Token), stop.Token);
            }

            var writer = Queue.Writer;
            _ = Task.WhenAll(decoders).ContinueWith(
                t => writer.TryComplete(t.IsFaulted ? t.Exception!.GetBaseException() : null),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            var batch = new List<Item>(options.BatchSize);
            try
            {
                Consume(batch, options.BatchSize);
            }
            finally
            {
                stop.Cancel();
                try
                {
                    Task.WaitAll(decoders);
                }
                catch (AggregateException)
                {
                    // Decoders end with the cancellation we just requested, or with the error
                    // already delivered through the queue; neither needs reporting twice.
                }

                foreach (var item in batch)
                {
                    item.Image.Dispose();
                }

                while (Queue.Reader.TryRead(out var left))
                {
                    left.Image.Dispose();
                }
            }

            _ct.ThrowIfCancellationRequested();
        }

        public FeaturizedData Finish(TimeSpan elapsed)
        {
            int keep = 0;
            for (int i = 0; i < _examples.Count; i++)
            {
                if (_skipReasons[i] is null)
                {
                    keep += _perImage;
                }
            }

            var features = keep == _done.Length ? _features : new float[(long)keep * _dim];
            var labels = new int[keep];
            var exampleIndices = new int[keep];
            var augmentIndices = new int[keep];
            var skipped = new List<SkippedItem>();
            int facesFound = 0, fallbacks = 0, r = 0;
            for (int i = 0; i < _examples.Count; i++)
            {
                if (_skipReasons[i] is { } reason)
                {
                    skipped.Add(new SkippedItem(_examples[i].Path, reason));
                    continue;
                }

                facesFound += _tags[i] == TagFaceFound ? 1 : 0;
                fallbacks += _tags[i] == TagFaceFallback ? 1 : 0;
                for (int k = 0; k < _perImage; k++, r++)
                {
                    int row = i * _perImage + k;
                    if (!_done[row])
                    {
                        throw new InvalidOperationException($"internal error: row {k} of {_examples[i].Path} was neither cached nor computed");
                    }

                    if (!ReferenceEquals(features, _features))
                    {
                        RowSpan(row).CopyTo(features.AsSpan(r * _dim, _dim));
                    }

                    labels[r] = _examples[i].LabelIndex;
                    exampleIndices[r] = i;
                    augmentIndices[r] = k;
                }
            }

            var stats = new FeaturizeStats(_computed, _hits, facesFound, fallbacks, skipped.Count, elapsed);
            return new FeaturizedData(features, _dim, labels, exampleIndices, augmentIndices, skipped, stats);
        }

        private void Consume(List<Item> batch, int batchSize)
        {
            var reader = Queue!.Reader;
            var images = new List<Mat>(batchSize);
            var output = new float[batchSize * _dim];
            var cache = _owner._cache;
            bool more = true;
            while (more)
            {
                while (batch.Count < batchSize)
                {
                    if (reader.TryRead(out var item))
                    {
                        batch.Add(item);
                    }
                    else if (!reader.WaitToReadAsync(_ct).AsTask().GetAwaiter().GetResult())
                    {
                        more = false;
                        break;
                    }
                }

                if (batch.Count == 0)
                {
                    break;
                }

                _ct.ThrowIfCancellationRequested();
                images.Clear();
                foreach (var item in batch)
                {
                    images.Add(item.Image);
                }

                var result = output.AsSpan(0, batch.Count * _dim);
                _owner.Backbone.Featurize(images, result);
                for (int j = 0; j < batch.Count; j++)
                {
                    var item = batch[j];
                    int row = item.Example * _perImage + item.Augment;
                    var features = result.Slice(j * _dim, _dim);
                    features.CopyTo(RowSpan(row));
                    _done[row] = true;
                    cache?.Write(Key(item.Example, item.Augment), features, item.Tag);
                    item.Image.Dispose();
                }

                _computed += batch.Count;
                batch.Clear();
                Report();
            }
        }

        /// <summary>One decoder: takes the next pending image, prepares its missing rows, queues them.</summary>
        private async Task DecodeAsync(List<int> pending, Func<int> takeNext, CancellationToken ct)
        {
            var size = new Size(_owner.Backbone.Preprocessing.InputWidth, _owner.Backbone.Preprocessing.InputHeight);
            var prepared = new List<Item>(_perImage);
            int index;
            while ((index = takeNext()) < pending.Count)
            {
                ct.ThrowIfCancellationRequested();
                int i = pending[index];
                try
                {
                    Prepare(i, size, prepared);
                }
                catch (ImagingException e)
                {
                    foreach (var item in prepared)
                    {
                        item.Image.Dispose();
                    }

                    prepared.Clear();
                    _skipReasons[i] = e is ImageDecodeException decode ? decode.Reason : $"cannot process the image: {e.Message}";
                    Interlocked.Add(ref _skippedRows, MissingRows(i));
                    continue;
                }

                for (int p = 0; p < prepared.Count; p++)
                {
                    try
                    {
                        await Queue!.Writer.WriteAsync(prepared[p], ct).ConfigureAwait(false);
                    }
                    catch
                    {
                        for (int q = p; q < prepared.Count; q++)
                        {
                            prepared[q].Image.Dispose();
                        }

                        throw;
                    }
                }

                prepared.Clear();
            }
        }

        /// <summary>Decode → face crop → each missing copy (augmented) → resized to the input size.</summary>
        private void Prepare(int i, Size size, List<Item> prepared)
        {
            var example = _examples[i];
            using var decoded = ReadAsHashed(example, _owner._options.MaxPixels);
            FaceCrop? crop = null;
            try
            {
                var basis = decoded;
                int tag = 0;
                double faceScale = 1; // crop width ÷ face width, so a "distant" copy shrinks the face itself to its drawn width
                (Rect Photo, Rect Within)? beyond = null; // where a copy may show scene content past the photo (crop coordinates)
                if (_owner.FaceCrop is { } stage)
                {
                    crop = stage.Apply(decoded);
                    basis = crop.Image;
                    tag = crop.FaceFound ? TagFaceFound : TagFaceFallback;
                    _tags[i] = tag;
                    faceScale = crop.FaceFound ? Math.Max(1, (double)crop.Image.Cols / Math.Max(1, crop.FaceBox.Width)) : 1;
                    beyond = crop.FaceFound ? BeyondPhoto(crop, decoded.Size(), stage.Options.Crop) : null;
                }

                for (int k = 0; k < _perImage; k++)
                {
                    if (_done[i * _perImage + k])
                    {
                        continue;
                    }

                    // Scene content past the photo first, so the geometry, light and camera act on it too.
                    using var filled = k == 0 || beyond is not { } b ? null : _owner._augmenter!.FillBeyondPhoto(basis, b.Photo, b.Within, k, example.ContentHash);
                    using var augmented = k == 0 ? null : _owner._augmenter!.Apply(filled ?? basis, k, example.ContentHash, faceScale);
                    // The same resize the detector app gives a face (MaskPredictor.ResizeForModel), so a distant
                    // copy is enlarged in training exactly as a small face is in the app.
                    prepared.Add(new Item(i, k, InputTensor.ResizeForInput(augmented ?? basis, size.Width, size.Height), tag));
                }
            }
            finally
            {
                crop?.Dispose();
            }
        }

        /// <summary>
        /// Decodes <paramref name="example"/>'s file from the very bytes it hashes, and only if they
        /// are the bytes hashed when the folders were loaded (<see cref="ImageExample.ContentHash"/>):
        /// its features are cached under that hash, so the features of a file changed since (by a
        /// sync client, an editor) would be found under it by every later run, long after the file was
        /// put back. Hashing the buffer that is decoded costs no second read.
        /// </summary>
        /// <exception cref="ImageDecodeException">Unreadable, not decodable, or <see cref="ChangedReason"/>.</exception>
        private static Mat ReadAsHashed(ImageExample example, long maxPixels)
        {
            var buffer = ImageCodec.RentFileBytes(example.Path, out int length);
            try
            {
                var bytes = buffer.AsSpan(0, length);
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(bytes, hash);
                if (!Convert.ToHexStringLower(hash).Equals(example.ContentHash, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImageDecodeException(example.Path, ChangedReason);
                }

                return ImageCodec.Decode(bytes, ImreadModes.Color, maxPixels, example.Path);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// The photo and the part of the crop that may show scene content beyond it, both in the crop's
        /// coordinates: the face box when the margin is blanked (the margin stays blank), else the whole crop.
        /// </summary>
        private static (Rect Photo, Rect Within) BeyondPhoto(FaceCrop crop, Size image, FaceCropOptions options)
        {
            var region = FaceCropper.Region(crop.FaceBox, options);
            var photo = new Rect(-region.X, -region.Y, image.Width, image.Height);
            var within = options.BlankMargin
                ? new Rect(crop.FaceBox.X - region.X, crop.FaceBox.Y - region.Y, crop.FaceBox.Width, crop.FaceBox.Height)
                : new Rect(0, 0, region.Width, region.Height);
            return (photo, within);
        }

        private int MissingRows(int i)
        {
            int missing = 0;
            for (int k = 0; k < _perImage; k++)
            {
                missing += _done[i * _perImage + k] ? 0 : 1;
            }

            return missing;
        }

        private FeatureKey Key(int example, int augment) =>
            new(_owner.Backbone.CacheKey, _owner.FaceCropKey, _owner._augmenter?.CacheKey, _examples[example].ContentHash, augment);

        private Span<float> RowSpan(int row) => _features.AsSpan(row * _dim, _dim);

        private void Report() =>
            _progress?.Report(new FeaturizeProgress(TotalRows, Volatile.Read(ref _hits), _computed, Volatile.Read(ref _skippedRows)));
    }

    /// <summary>One prepared input: image <see cref="Example"/>, copy <see cref="Augment"/>, already at the input size.</summary>
    private sealed record Item(int Example, int Augment, Mat Image, int Tag);
}
