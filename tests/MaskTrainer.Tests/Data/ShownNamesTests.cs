using MaskTrainer.Data;
using MaskTrainer.Tests.TestSupport;

namespace MaskTrainer.Tests.Data;

/// <summary>
/// File and class names in the console's summary lines: a newline or an escape sequence in a name
/// is shown as an escape (\n, \x1B), as the warning lines show it, so the line stays one line and
/// the terminal is not driven.
/// </summary>
public sealed class ShownNamesTests
{
    [Fact]
    public void The_dataset_line_escapes_skipped_and_unreadable_file_names()
    {
        using var data = new TempDataset("h2-");
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        data.Add("without_mask/notes\n.txt", "not an image");
        data.Add("with_mask/x\u001b[31m.txt", "not an image");
        File.CreateSymbolicLink(Path.Combine(data.Root, "without_mask", "gone\r.jpg"), "/nonexistent/h2-target.jpg");

        var line = ImageFolderDataset.Load(data.Root).ToString();

        line.Should().Contain("2 other file(s) skipped, not an image extension (x\\x1B[31m.txt, notes\\n.txt)")
            .And.Contain("1 unreadable file(s) skipped (gone\\r.jpg)")
            .And.NotContainAny("\n", "\r", "\u001b");
    }

    [Fact]
    public void The_note_and_the_groups_of_identical_files_escape_their_names()
    {
        using var data = new TempDataset("h2-");
        data.Add("with_mask/a.jpg", "same picture");
        data.Add("with_mask/dup\tcopy.jpg", "same picture");
        data.Add("with_mask/cut\nfile.jpg", "same picture");
        data.Add("without_mask/b.jpg", "another picture");
        var dataset = ImageFolderDataset.Load(data.Root);

        var note = IdenticalCopies.Of(dataset.Examples).Note();

        note.Should().Be("note: 2 identical copies are left out: each picture is used once and counted once (1 group, e.g. with_mask/cut\\nfile.jpg = with_mask/a.jpg)");
        dataset.DuplicateGroups.Should().ContainSingle().Which.ToString()
            .Should().Be("3 identical files in with_mask: with_mask/a.jpg, with_mask/cut\\nfile.jpg, with_mask/dup\\tcopy.jpg");
    }

    [Fact]
    public void A_training_error_naming_a_file_is_one_line_that_does_not_drive_the_terminal()
    {
        var missing = Path.Combine(Path.GetTempPath(), "h2-missing\u001b[2J\nfolder");

        var (code, _, stderr) = TrainCli.Run("--data", missing);

        code.Should().Be(1);
        stderr.Should().Contain("h2-missing\\x1B[2J\\nfolder").And.NotContain("\u001b");
        stderr.TrimEnd('\n').Should().NotContain("\n");
    }
}
