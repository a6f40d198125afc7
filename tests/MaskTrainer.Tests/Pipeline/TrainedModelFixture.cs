using MaskTrainer.Models;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// Trains one small model for the pipeline tests (a 30 + 30 image subset of mask-sample, face
/// crop on, the default backbone), once per test run. Null members when ../shared is absent.
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    public const int PerClass = 30;

    public TrainedModelFixture()
    {
        var sample = SharedData.Path("data/mask-sample");
        if (sample is null || SharedData.Models is null)
        {
            return;
        }

        Root = Directory.CreateTempSubdirectory("mt-pipeline-").FullName;
        DataDirectory = Path.Combine(Root, "data");
        foreach (var label in new[] { "with_mask", "without_mask" })
        {
            var target = Directory.CreateDirectory(Path.Combine(DataDirectory, label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(sample, label)).Order(StringComparer.Ordinal).Take(PerClass))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), file);
            }
        }

        Store = CreateStore(Root);
        Options = new MaskTrainingOptions
        {
            DataDirectory = DataDirectory,
            OutputPath = Path.Combine(Root, "artifacts", "mask_model.zip"),
            Workspace = Path.Combine(Root, "workspace"),
            Seed = 7,
        };
        Run = new MaskTrainingPipeline(Options, Store).Run();
    }

    public string? Root { get; }

    public string? DataDirectory { get; }

    public ModelStore? Store { get; }

    public MaskTrainingOptions? Options { get; }

    public TrainingRun? Run { get; }

    /// <summary>A store that reads ../shared/models only and never downloads.</summary>
    public static ModelStore CreateStore(string root) => new(new ModelStoreOptions
    {
        CacheDirectory = Path.Combine(root, "cache"),
        ModelsDirectories = [SharedData.Full("models")],
        AllowDownload = false,
    });

    public void Dispose()
    {
        Store?.Dispose();
        if (Root is not null)
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PipelineCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "Pipeline";
}
