using MaskTrainer.Detect.Inference;
using MaskTrainer.Model;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

public sealed class ModelFileLoadTests
{
    [Fact]
    public void A_model_file_replaced_while_it_is_read_is_said_to_have_changed_not_to_be_damaged()
    {
        using var temp = new TempFolder();
        var path = temp.File("h4-race.zip");
        File.WriteAllText(path, "the old model");

        var load = () => ModelFileLoad.Load(path, 1, (p, _) =>
        {
            File.WriteAllText(p, "a new model, copied over the old one"); // cp onto the file mid-load
            throw new ModelFileException(p, "the file is damaged or not a model of this tool (ML.NET: A local file header is corrupt.)");
        });

        load.Should().Throw<ModelFileException>().WithMessage(
            $"{path}: the file changed while it was being read (replaced, or still being written); run again once it is complete")
            .WithInnerException<ModelFileException>();
    }

    [Fact]
    public void A_file_that_did_not_change_keeps_the_loads_own_error()
    {
        using var temp = new TempFolder();
        var path = temp.File("h4-junk.zip");
        File.WriteAllText(path, "not a model");

        var load = () => ModelFileLoad.Load(path, 1, (p, _) => throw new ModelFileException(p, "not a readable zip"));

        load.Should().Throw<ModelFileException>().WithMessage($"{path}: not a readable zip");
    }

    [Fact]
    public void A_model_file_removed_while_it_is_read_is_said_to_have_changed()
    {
        using var temp = new TempFolder();
        var path = temp.File("h4-gone.zip");
        File.WriteAllText(path, "the old model");

        var load = () => ModelFileLoad.Load(path, 1, (p, _) =>
        {
            File.Delete(p);
            throw new FileNotFoundException("gone", p);
        });

        load.Should().Throw<ModelFileException>().WithMessage("*changed while it was being read*");
    }
}
