using MaskTrainer.Serialization;
using MaskTrainer.Training;

namespace MaskTrainer.Tests.Serialization;

/// <summary>A save that fails at any point leaves the previous model byte-identical and no temp file behind.</summary>
public sealed class ModelPackageAtomicSaveTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestModel _model;
    private readonly string _path;
    private readonly byte[] _previous;

    public ModelPackageAtomicSaveTests()
    {
        _model = new TestModel(_folder);
        _path = _folder.File("models/model.zip");
        _model.Save(_path);
        _previous = File.ReadAllBytes(_path);
    }

    public void Dispose() => _folder.Dispose();

    private void PreviousModelIsIntact()
    {
        File.ReadAllBytes(_path).Should().Equal(_previous);
        Directory.GetFiles(Path.GetDirectoryName(_path)!).Should().Equal([_path], "no temp file may remain");
        using var loaded = ModelPackage.Load(_path);
        loaded.HeadTensors.Should().HaveCount(2);
    }

    [Fact]
    public void A_backbone_file_missing_halfway_through_the_save_leaves_the_previous_model()
    {
        // "a.onnx" is written into the new zip before "b.onnx" turns out not to exist.
        var files = new Dictionary<string, string>
        {
            ["a.onnx"] = _model.BackboneFiles["net.onnx"],
            ["b.onnx"] = _folder.File("source/does-not-exist.onnx"),
        };
        var manifest = _model.Manifest with { Labels = ["x", "y", "z"] };

        var save = () => ModelPackage.Save(_path, manifest, _model.Tensors, files);

        save.Should().Throw<ModelFileException>()
            .WithMessage($"{_path}: could not save the model; the previous file, if any, is unchanged (*does-not-exist.onnx*)");
        PreviousModelIsIntact();
    }

    [Fact]
    public void A_backbone_path_that_is_a_folder_leaves_the_previous_model()
    {
        var files = new Dictionary<string, string> { ["net.onnx"] = _folder.Path };

        var save = () => ModelPackage.Save(_path, _model.Manifest, _model.Tensors, files);

        save.Should().Throw<ModelFileException>();
        PreviousModelIsIntact();
    }

    [Fact]
    public void Invalid_inputs_are_rejected_before_anything_is_written()
    {
        var badTensor = new NamedTensor("w", [4, 3], new float[11]);

        var save = () => ModelPackage.Save(_path, _model.Manifest, [badTensor], _model.BackboneFiles);

        save.Should().Throw<ArgumentException>().WithMessage("*head tensor 'w' has 11 values but shape [4, 3] needs 12*");
        PreviousModelIsIntact();
    }

    [Theory]
    [InlineData("../w")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Tensor_names_that_are_not_safe_file_names_are_rejected(string name)
    {
        var save = () => ModelPackage.Save(_path, _model.Manifest, [new NamedTensor(name, [1], [0f])], _model.BackboneFiles);

        save.Should().Throw<ArgumentException>().WithMessage("*head tensor name*");
        PreviousModelIsIntact();
    }

    [Fact]
    public void Missing_labels_are_rejected_before_anything_is_written()
    {
        var save = () => ModelPackage.Save(_path, _model.Manifest with { Labels = [] }, _model.Tensors, _model.BackboneFiles);

        save.Should().Throw<ArgumentException>().WithMessage("*manifest has no labels*");
        PreviousModelIsIntact();
    }

    [Fact]
    public void A_failing_rename_leaves_no_temp_file()
    {
        var target = _folder.Folder("a-folder.zip");

        var save = () => _model.Save(target);

        save.Should().Throw<ModelFileException>().WithMessage($"{target}: could not save the model*");
        Directory.GetFiles(_folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void A_successful_save_replaces_the_previous_model()
    {
        var written = ModelPackage.Save(_path, _model.Manifest with { Labels = ["masked", "bare"] }, _model.Tensors, _model.BackboneFiles);

        ModelPackage.ReadManifest(_path).Labels.Should().Equal("masked", "bare");
        written.Labels.Should().Equal("masked", "bare");
        Directory.GetFiles(Path.GetDirectoryName(_path)!).Should().Equal([_path]);
    }
}
