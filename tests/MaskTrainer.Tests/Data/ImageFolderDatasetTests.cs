using MaskTrainer.Data;

namespace MaskTrainer.Tests.Data;

public sealed class ImageFolderDatasetTests
{
    [Fact]
    public void Load_ListsClassesAndImagesSortedOrdinally()
    {
        using var data = new TempDataset();
        data.Add("without_mask/b.jpg", "1");
        data.Add("without_mask/a.PNG", "2");
        data.Add("with_mask/z.jpeg", "3");
        data.Add("with_mask/sub/deeper/y.Webp", "4");
        data.Add("with_mask/c.BMP", "5");
        data.Add("with_mask/notes.txt", "not an image");
        data.Add("with_mask/.hidden/x.jpg", "6");
        data.Add(".git/objects/x.jpg", "7");
        data.Add("without_mask/._b.jpg", "macOS resource fork");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.Labels.Should().Equal("with_mask", "without_mask");
        dataset.Examples.Select(e => Path.GetRelativePath(data.Root, e.Path).Replace('\\', '/')).Should().Equal(
            "with_mask/c.BMP",
            "with_mask/sub/deeper/y.Webp",
            "with_mask/z.jpeg",
            "without_mask/a.PNG",
            "without_mask/b.jpg");
        dataset.Examples.Select(e => e.LabelIndex).Should().Equal(0, 0, 0, 1, 1);
        dataset.Examples.Select(e => e.Label).Should().Equal("with_mask", "with_mask", "with_mask", "without_mask", "without_mask");
        dataset.Summary.Should().Equal(new ClassCount("with_mask", 3), new ClassCount("without_mask", 2));
        dataset.DuplicateGroups.Should().BeEmpty();
        dataset.SkippedFiles.Select(f => Path.GetRelativePath(data.Root, f).Replace('\\', '/')).Should().Equal("with_mask/notes.txt");
        dataset.ToString().Should().Be("5 images in 2 classes (with_mask 3, without_mask 2); no duplicates; 1 other file(s) skipped, not an image extension (notes.txt)");
    }

    [Fact]
    public void Jfif_and_jpe_files_are_images_as_browsers_and_old_programs_name_JPEGs()
    {
        using var data = new TempDataset("h2-");
        data.Add("with_mask/download.jfif", "1");
        data.Add("with_mask/OLD.JPE", "2");
        data.Add("without_mask/a.jpg", "3");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.Examples.Select(e => Path.GetFileName(e.Path)).Should().Equal("OLD.JPE", "download.jfif", "a.jpg");
        dataset.SkippedFiles.Should().BeEmpty();
    }

    [Fact]
    public void Load_StopsHashingWhenCancelled()
    {
        // Ctrl+C during the hashing of a large folder printed "stopping" and went on to the end of it.
        using var data = new TempDataset();
        for (int i = 0; i < 50; i++)
        {
            data.Add($"with_mask/{i}.jpg", $"m{i}");
            data.Add($"without_mask/{i}.jpg", $"b{i}");
        }

        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var load = () => ImageFolderDataset.Load(data.Root, cancellationToken: cancel.Token);

        load.Should().Throw<OperationCanceledException>();
        ImageFolderDataset.Load(data.Root).Examples.Should().HaveCount(100, "the same folder loads when not cancelled");
    }

    [Fact]
    public void Files_of_other_extensions_are_skipped_items_with_their_reason()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        var gif = data.Add("with_mask/anim.gif", "GIF89a");
        var tiff = data.Add("without_mask/scan.tiff", "II*");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.SkippedByExtension.Should().Equal(
            new SkippedItem(gif, "a GIF image, not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG"),
            new SkippedItem(tiff, "a TIFF image, not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG"));
    }

    [Fact]
    public void A_class_of_iPhone_photos_only_is_an_error_saying_they_were_set_aside_and_why()
    {
        using var data = new TempDataset("h2-");
        data.AddClass("without_mask", 2);
        foreach (var name in new[] { "IMG_0002.HEIC", "IMG_0001.HEIC", "IMG_0003.heic" })
        {
            data.Add($"with_mask/{name}", "(a photo; the extension says HEIC)");
        }

        var load = () => ImageFolderDataset.Load(data.Root);

        load.Should().Throw<DatasetException>().Which.Message.Should().Be(
            $"class 'with_mask' in '{data.Root}' has no images: its 3 files were set aside (e.g. IMG_0001.HEIC: a HEIC/HEIF photo (an iPhone's), not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG)");
    }

    [Fact]
    public void A_photo_without_an_extension_is_named_by_its_content_in_the_error()
    {
        using var data = new TempDataset("h2-");
        data.AddClass("without_mask", 2);
        data.Add("with_mask/a-notes.txt", "notes");
        var heic = data.Add("with_mask/IMG_0001", "");
        File.WriteAllBytes(heic, [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8]);

        var load = () => ImageFolderDataset.Load(data.Root);

        load.Should().Throw<DatasetException>().Which.Message.Should().EndWith(
            "has no images: its 2 files were set aside (e.g. IMG_0001: a HEIC/HEIF photo (an iPhone's), not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG)");
    }

    [Fact]
    public void Two_classes_without_images_name_why_for_the_first_with_files()
    {
        using var data = new TempDataset("h2-");
        Directory.CreateDirectory(Path.Combine(data.Root, "a_empty"));
        data.Add("b_notes/notes.txt", "notes");
        data.AddClass("c", 1);

        var load = () => ImageFolderDataset.Load(data.Root);

        load.Should().Throw<DatasetException>().Which.Message.Should().Be(
            $"classes 'a_empty', 'b_notes' in '{data.Root}' have no images ('b_notes': its 1 file was set aside (e.g. notes.txt: not an image extension (.txt)))");
    }

    [Fact]
    public void Two_class_folders_with_one_name_in_NFC_and_NFD_are_a_one_line_error()
    {
        using var data = new TempDataset();
        data.AddClass("sans masque \u00fcn\u00ef", 2);
        data.AddClass("sans masque u\u0308ni\u0308", 2, prefix: "nfd");

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage("*the same name in two Unicode spellings (NFC and NFD); merge them into one folder")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void Load_HashesContentWithSha256()
    {
        using var data = new TempDataset();
        data.Add("a/one.jpg", "abc");
        data.Add("b/two.jpg", "");

        var dataset = ImageFolderDataset.Load(data.Root, new ImageFolderOptions { MaxDegreeOfParallelism = 1 });

        // FIPS 180-2 test vectors.
        dataset.Examples[0].ContentHash.Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        dataset.Examples[1].ContentHash.Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void Load_ReportsDuplicatesWithinAndAcrossClasses()
    {
        using var data = new TempDataset();
        data.Add("with_mask/a.jpg", "same");
        data.Add("with_mask/b.jpg", "same");
        data.Add("with_mask/c.jpg", "unique-1");
        data.Add("with_mask/d.jpg", "clash");
        data.Add("without_mask/e.jpg", "clash");
        data.Add("without_mask/f.jpg", "unique-2");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.DuplicateGroups.Should().HaveCount(2);
        var within = dataset.DuplicateGroups[0];
        within.Examples.Select(e => Path.GetFileName(e.Path)).Should().Equal("a.jpg", "b.jpg");
        within.IsConflict.Should().BeFalse();
        within.ToString().Should().Be("2 identical files in with_mask: with_mask/a.jpg, with_mask/b.jpg");

        var across = dataset.DuplicateGroups[1];
        across.IsConflict.Should().BeTrue();
        across.Labels.Should().Equal("with_mask", "without_mask");
        across.ToString().Should().Be("conflict: 2 identical files labelled with_mask and without_mask: with_mask/d.jpg, without_mask/e.jpg");
        dataset.Conflicts.Should().ContainSingle().Which.Should().BeSameAs(across);
    }

    [Fact]
    public void Load_HashesAreTheSameWhateverTheParallelism()
    {
        using var data = new TempDataset();
        data.AddClass("a", 40);
        data.AddClass("b", 40);

        var one = ImageFolderDataset.Load(data.Root, new ImageFolderOptions { MaxDegreeOfParallelism = 1 });
        var many = ImageFolderDataset.Load(data.Root, new ImageFolderOptions { MaxDegreeOfParallelism = 8 });

        many.Examples.Should().Equal(one.Examples);
    }

    [Fact]
    public void Load_MissingFolder_IsOneLineError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "masktrainer-no-such-" + Guid.NewGuid().ToString("N"));

        var act = () => ImageFolderDataset.Load(missing);

        act.Should().Throw<DatasetException>().WithMessage($"data folder '{missing}' does not exist");
    }

    [Fact]
    public void Load_SingleClass_IsOneLineError()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 3);

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage($"'{data.Root}' has only one class folder (with_mask); need at least two");
    }

    [Fact]
    public void Load_SingleClass_IsAcceptedForEvaluation()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 3);

        var dataset = ImageFolderDataset.Load(data.Root, ImageFolderOptions.Evaluation);

        dataset.Labels.Should().Equal("with_mask");
        dataset.Examples.Should().HaveCount(3);
        using var none = new TempDataset();
        FluentActions.Invoking(() => ImageFolderDataset.Load(none.Root, ImageFolderOptions.Evaluation))
            .Should().Throw<DatasetException>().WithMessage("*has no class folders; need at least one*");
    }

    [Fact]
    public void Load_NoClassFolders_IsOneLineError()
    {
        using var data = new TempDataset();
        data.Add("loose.jpg", "x");

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage($"'{data.Root}' has no class folders; need at least two*");
    }

    [Fact]
    public void Load_EmptyClass_IsOneLineErrorNamingTheClass()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 3);
        data.Add("without_mask/readme.txt", "no images here");

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage($"class 'without_mask' in '{data.Root}' has no images: its 1 file was set aside (e.g. readme.txt: not an image extension (.txt))")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void Load_SeveralEmptyClasses_AreNamedTogether()
    {
        using var data = new TempDataset();
        data.AddClass("a", 3);
        Directory.CreateDirectory(Path.Combine(data.Root, "b"));
        Directory.CreateDirectory(Path.Combine(data.Root, "c"));

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage($"classes 'b', 'c' in '{data.Root}' have no images");
    }

    [Fact]
    public void Load_UnreadableFile_IsSkippedWithItsReasonAndTheRestLoads()
    {
        // A dangling link used to fail the whole load ("cannot read '...': Could not find file '...'").
        using var data = new TempDataset();
        data.AddClass("with_mask", 3);
        data.AddClass("without_mask", 2);
        var dangling = Path.Combine(data.Root, "with_mask", "dangling.jpg");
        File.CreateSymbolicLink(dangling, "/nonexistent/target.jpg");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.Examples.Should().HaveCount(5).And.NotContain(e => e.Path == dangling);
        dataset.Unreadable.Should().Equal(new SkippedItem(dangling, "a link to '/nonexistent/target.jpg', which does not exist"));
        dataset.Summary.Should().Equal(new ClassCount("with_mask", 3, 1), new ClassCount("without_mask", 2));
        dataset.ToString().Should().Be("5 images in 2 classes (with_mask 3, without_mask 2); no duplicates; 1 unreadable file(s) skipped (dangling.jpg)");
    }

    [Fact]
    public void Load_ALinkLoop_IsSkippedWithAReasonThatReadsAfterItsPath()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        var loop = Path.Combine(data.Root, "with_mask", "loop.jpg");
        File.CreateSymbolicLink(loop, "loop.jpg");

        var dataset = ImageFolderDataset.Load(data.Root);

        // Was "cannot read the file (Too many levels of symbolic links : it)".
        dataset.Unreadable.Should().Equal(new SkippedItem(loop, "cannot read the file: too many levels of symbolic links (a link loop?)"));
    }

    [Fact]
    public void Load_ClassWithNoReadableImage_IsOneLineErrorNamingTheClassAndAFile()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 3);
        var dangling = Path.Combine(data.Root, "without_mask", "a.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(dangling)!);
        File.CreateSymbolicLink(dangling, "/nonexistent/a.jpg");

        var act = () => ImageFolderDataset.Load(data.Root);

        act.Should().Throw<DatasetException>().WithMessage(
            $"class 'without_mask' in '{data.Root}' has no readable images: none of its 1 file(s) could be read (first: {dangling}: a link to '/nonexistent/a.jpg', which does not exist)");
    }

    [SharedFact("data/mask-sample")]
    public void Load_RealMaskSample_HasTwoBalancedClasses()
    {
        var root = SharedData.Full("data/mask-sample");

        var dataset = ImageFolderDataset.Load(root);

        dataset.Labels.Should().Equal("with_mask", "without_mask");
        dataset.Summary.Should().Equal(new ClassCount("with_mask", 600), new ClassCount("without_mask", 600));
        dataset.Examples.Should().OnlyContain(e => e.ContentHash.Length == 64);
        DatasetSplitter.Split(dataset).Counts.Should().Equal(
            new SplitClassCount("with_mask", 420, 60, 120),
            new SplitClassCount("without_mask", 420, 60, 120));
    }

    [Fact]
    public void Load_ANamedPipeInAClassFolder_IsSkippedAndListedNotOpened()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        // Hashing opened it and waited for a writer: training hung for ever.
        using var data = new TempDataset();
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        var pipe = NamedPipe.Create(Path.Combine(data.Root, "with_mask", "pipe.jpg"));

        var dataset = NamedPipe.Within(pipe, () => ImageFolderDataset.Load(data.Root));

        dataset.Examples.Should().HaveCount(4);
        dataset.Unreadable.Should().Equal(new SkippedItem(pipe, "a named pipe (FIFO), not a regular file"));
        dataset.ToString().Should().EndWith("; 1 unreadable file(s) skipped (pipe.jpg)");
    }

    [Fact]
    public void Load_AFileNameThatIsNotUtf8_IsSkippedAndListedWithWhy()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // checked with statx(2), on Linux only
        }

        // Was "file not found" for a file the user can see in the folder.
        using var data = new TempDataset();
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        var folder = Path.Combine(data.Root, "with_mask");
        var latin1 = RawFileName.CopyAsLatin1(Directory.GetFiles(folder)[0], folder, "café.jpg");

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.Examples.Should().HaveCount(4);
        dataset.Unreadable.Should().Equal(new SkippedItem(latin1, FilePaths.NotUtf8Name));
    }

    [Fact]
    public void Load_TheMacOSXFolderOfAnUnzippedMacArchive_IsNoClass()
    {
        // Was "error: class '__MACOSX' … has no images" (it holds only ._x.jpg resource forks).
        using var data = new TempDataset();
        data.AddClass("with_mask", 2);
        data.AddClass("without_mask", 2);
        var mac = Path.Combine(data.Root, ImageFolderDataset.MacArchiveFolder, "with_mask");
        Directory.CreateDirectory(mac);
        File.WriteAllBytes(Path.Combine(mac, "._a.jpg"), [0, 5, 22, 7]);

        var dataset = ImageFolderDataset.Load(data.Root);

        dataset.Labels.Should().Equal("with_mask", "without_mask");
        dataset.Examples.Should().HaveCount(4);
    }
}
