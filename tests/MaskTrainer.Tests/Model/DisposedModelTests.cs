using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;
using OpenCvSharp;

namespace MaskTrainer.Tests.Model;

/// <summary>
/// A disposed model, predictor or image says so (ObjectDisposedException), instead of ML.NET's
/// NullReferenceException or, for a disposed Mat, the process ending (OpenCvSharp reads its freed pointer).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DisposedModelTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "models")]
    public void A_disposed_model_throws_ObjectDisposedException_wherever_it_is_used()
    {
        var model = MaskModel.Load(fixture.Run!.ModelPath);
        var crops = PredictionTests.Crops(model, 1);
        var before = new MaskPredictor(model);
        var faces = new FacePredictor(model, fixture.Store!);
        model.Dispose();
        model.Dispose(); // a second Dispose is harmless

        FluentActions.Invoking(() => new MaskPredictor(model)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => new FacePredictor(model, fixture.Store!)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(model.CreatePredictionEngine).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => before.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => faces.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => model.Save(new MemoryStream())).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => ModelBackbone.OpenEmbedded(model)).Should().Throw<ObjectDisposedException>("the embedded graph is read under a lease");
        var file = Path.Combine(_folder.Folder("h2-disposed"), "m.zip");
        FluentActions.Invoking(() => model.Save(file)).Should().Throw<ObjectDisposedException>();
        Directory.GetFiles(Path.GetDirectoryName(file)!).Should().BeEmpty("nothing is written for a disposed model");
        using var image = Microsoft.ML.Data.MLImage.CreateFromPixels(2, 2, Microsoft.ML.Data.MLPixelFormat.Bgra32, new byte[16]);
        FluentActions.Invoking(() => before.Predict(new ModelInput { Image = image })).Should().Throw<ObjectDisposedException>();
        before.Dispose();
        faces.Dispose();
        crops[0].Dispose();
    }

    [SharedFact("data/mask-sample", "models")]
    public void Disposing_the_model_while_threads_predict_finishes_their_predictions_and_refuses_later_ones()
    {
        // Dispose freed the ONNX sessions under the predictions running on other threads: SIGSEGV.
        for (int round = 0; round < 3; round++)
        {
            var model = MaskModel.Load(fixture.Run!.ModelPath);
            var crops = PredictionTests.Crops(model, 2);
            using var predictor = new MaskPredictor(model);
            var expected = crops.Select(c => predictor.Predict(c).Score).ToArray();
            const int threads = 4; // more than the cores: some are always mid-prediction
            var predicted = new int[threads];
            var wrong = new int[threads];
            var ended = new Exception?[threads];
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int me = t;
                workers[t] = new Thread(() =>
                {
                    var output = new ModelOutput();
                    try
                    {
                        for (int i = 0; i < 10_000; i++)
                        {
                            predictor.Predict(crops[i % 2], ref output);
                            wrong[me] += output.Score.AsSpan().SequenceEqual(expected[i % 2]) ? 0 : 1;
                            Interlocked.Increment(ref predicted[me]);
                        }
                    }
                    catch (Exception e)
                    {
                        ended[me] = e;
                    }
                });
                workers[t].Start();
            }

            SpinWait.SpinUntil(() => Enumerable.Range(0, threads).All(t => Volatile.Read(ref predicted[t]) >= 2), TimeSpan.FromSeconds(60)).Should().BeTrue("every thread predicts");
            model.Dispose();
            FluentActions.Invoking(() => predictor.Predict(crops[0])).Should().Throw<ObjectDisposedException>("a prediction after Dispose returned");
            foreach (var w in workers)
            {
                w.Join();
            }

            ended.Should().AllBeOfType<ObjectDisposedException>("each thread predicts until the model is gone, and nothing else goes wrong");
            wrong.Should().OnlyContain(n => n == 0, "the predictions that finished have the scores of an undisturbed model");
            foreach (var c in crops)
            {
                c.Dispose();
            }
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Dispose_on_the_thread_using_the_model_throws_instead_of_waiting_for_itself()
    {
        // A Save whose stream disposed the model spun in Dispose forever: the save's own use never ended.
        var model = MaskModel.Load(fixture.Run!.ModelPath);
        var other = MaskModel.Load(fixture.Run!.ModelPath);
        Exception? fromDispose = null;
        bool otherDisposed = false;
        var stream = new WriteHookStream(() =>
        {
            fromDispose ??= Record.Exception(model.Dispose);
            if (!otherDisposed)
            {
                other.Dispose(); // another model's use is not this one's: it is disposed at once
                otherDisposed = true;
            }
        });
        var saver = new Thread(() => model.Save(stream)) { IsBackground = true };
        saver.Start();

        saver.Join(TimeSpan.FromSeconds(60)).Should().BeTrue("Dispose must not wait for the use of the thread calling it");
        fromDispose.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().StartWith("MaskModel.Dispose was called while this thread is using the model").And.NotContain("\n");
        otherDisposed.Should().BeTrue();
        FluentActions.Invoking(other.CreatePredictionEngine).Should().Throw<ObjectDisposedException>();

        // The refused Dispose left the model whole; once the save is over it disposes as usual.
        var crops = PredictionTests.Crops(model, 1);
        using (var predictor = new MaskPredictor(model))
        {
            predictor.Predict(crops[0]).Score.Should().HaveCount(model.Labels.Count);
        }

        model.Dispose();
        FluentActions.Invoking(model.CreatePredictionEngine).Should().Throw<ObjectDisposedException>();
        crops[0].Dispose();
    }

    /// <summary>A memory stream that runs <c>onWrite</c> on each write, as a caller's stream might.</summary>
    private sealed class WriteHookStream(Action onWrite) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            onWrite();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            onWrite();
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            onWrite();
            base.WriteByte(value);
        }
    }

    [SharedFact("data/mask-sample", "models", "data/faces-dlib")]
    public void A_disposed_Mat_throws_ObjectDisposedException_wherever_the_API_takes_one()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);
        using var faces = new FacePredictor(model, fixture.Store!);
        var crops = PredictionTests.Crops(model, 2);
        var disposed = crops[0];
        disposed.Dispose();
        using var small = new Mat(crops[1], new Rect(0, 0, 100, 100));
        var output = new ModelOutput();

        // Each of these read the Mat's size first, and the test process died with them.
        FluentActions.Invoking(() => predictor.Predict(disposed)).Should().Throw<ObjectDisposedException>().WithMessage("image is a disposed Mat");
        FluentActions.Invoking(() => predictor.ResizeForModel(disposed)).Should().Throw<ObjectDisposedException>().WithMessage("image is a disposed Mat");
        FluentActions.Invoking(() => predictor.Predict(small, ref output, disposed)).Should().Throw<ObjectDisposedException>().WithMessage("scratch is a disposed Mat");
        FluentActions.Invoking(() => faces.Predict(disposed)).Should().Throw<ObjectDisposedException>().WithMessage("image is a disposed Mat");
        FluentActions.Invoking(() => MLImages.FromMat(disposed)).Should().Throw<ObjectDisposedException>().WithMessage("image is a disposed Mat");

        // The crop onCrop is handed is classified after the call.
        using var photo = ImageCodec.Read(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));
        FluentActions.Invoking(() => faces.Predict(photo, (_, crop) => crop.Dispose())).Should().Throw<ObjectDisposedException>()
            .WithMessage("onCrop disposed the crop of face 0*Clone the crop to keep it");
        faces.Predict(photo, (_, crop) => crop.Clone().Dispose()).Should().NotBeEmpty("a callback that leaves the crop alone changes nothing");
        predictor.Predict(small).Score.Should().HaveCount(model.Labels.Count, "the predictor is still usable");
        crops[1].Dispose();
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_disposed_predictor_throws_ObjectDisposedException_and_leaves_the_model_usable()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var crops = PredictionTests.Crops(model, 1);
        var predictor = new MaskPredictor(model);
        var faces = new FacePredictor(model, fixture.Store!);
        predictor.Dispose();
        faces.Dispose();

        FluentActions.Invoking(() => predictor.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => faces.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        using var again = new MaskPredictor(model);
        again.Predict(crops[0]).Score.Should().HaveCount(model.Labels.Count);
        crops[0].Dispose();
    }
}
