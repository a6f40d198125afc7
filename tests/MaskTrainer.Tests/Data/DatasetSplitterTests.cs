using MaskTrainer.Data;

namespace MaskTrainer.Tests.Data;

public sealed class DatasetSplitterTests
{
    private static readonly string[] Labels = ["with_mask", "without_mask"];

    [Fact]
    public void Split_SameSeed_GivesTheSameSplit()
    {
        var examples = Examples(100, 60);

        var a = DatasetSplitter.Split(examples, new SplitOptions { Seed = 7 });
        var b = DatasetSplitter.Split(examples, new SplitOptions { Seed = 7 });

        b.Train.Should().Equal(a.Train);
        b.Validation.Should().Equal(a.Validation);
        b.Test.Should().Equal(a.Test);
    }

    [Fact]
    public void Split_DifferentSeed_GivesADifferentSplit()
    {
        var examples = Examples(100, 60);

        var a = DatasetSplitter.Split(examples, new SplitOptions { Seed = 1 });
        var b = DatasetSplitter.Split(examples, new SplitOptions { Seed = 2 });

        b.Test.Should().NotEqual(a.Test);
        b.Counts.Should().Equal(a.Counts, "the proportions do not depend on the seed");
    }

    [Fact]
    public void Split_IsStratifiedDisjointAndComplete()
    {
        var examples = Examples(100, 60);

        var split = DatasetSplitter.Split(examples);

        split.Counts.Should().Equal(
            new SplitClassCount("with_mask", 70, 10, 20),
            new SplitClassCount("without_mask", 42, 6, 12));
        split.Train.Concat(split.Validation).Concat(split.Test).Select(e => e.Path)
            .Should().BeEquivalentTo(examples.Select(e => e.Path)).And.OnlyHaveUniqueItems();
        split.Train.Should().BeInAscendingOrder(e => e.Path, StringComparer.Ordinal, "splits keep the dataset's order");
    }

    [Fact]
    public void Split_ClassesAreShuffledIndependently()
    {
        // Adding images to one class must not reshuffle another class.
        var small = DatasetSplitter.Split(Examples(50, 50));
        var grown = DatasetSplitter.Split(Examples(50, 80));

        grown.Test.Where(e => e.LabelIndex == 0).Should().Equal(small.Test.Where(e => e.LabelIndex == 0));
    }

    [Fact]
    public void Split_IdenticalFilesAreUsedOnceAndNeverStraddleSplits()
    {
        using var data = new TempDataset();
        data.AddClass("with_mask", 30);
        data.AddClass("without_mask", 30);
        for (int g = 0; g < 8; g++)
        {
            // Groups of 2-4 identical files, some across classes (conflicts).
            for (int copy = 0; copy < 2 + (g % 3); copy++)
            {
                string label = g % 4 == 3 && copy == 1 ? "without_mask" : "with_mask";
                data.Add($"{label}/dup{g}_{copy}.jpg", $"duplicate content {g}");
            }
        }

        var dataset = ImageFolderDataset.Load(data.Root);
        dataset.DuplicateGroups.Should().HaveCount(8);
        dataset.DuplicateGroups.Count(g => g.IsConflict).Should().Be(2);

        for (int seed = 0; seed < 25; seed++)
        {
            var split = DatasetSplitter.Split(dataset, new SplitOptions { Seed = seed });
            var where = new Dictionary<string, string>();
            foreach (var (name, list) in new[] { ("train", split.Train), ("validation", split.Validation), ("test", split.Test) })
            {
                foreach (var e in list)
                {
                    where[e.Path] = name;
                }
            }

            foreach (var group in split.DuplicateGroups)
            {
                // One file per label it carries is used (a conflict keeps its labels), all in one split.
                var used = group.Examples.Where(e => where.ContainsKey(e.Path)).ToList();
                used.Select(e => e.Label).Should().Equal(group.Labels, $"seed {seed}, group {group}");
                used.Select(e => where[e.Path]).Distinct().Should().ContainSingle($"seed {seed}, group {group}");
            }

            split.LeftOutCopies.Should().HaveCount(dataset.Examples.Count - where.Count).And.OnlyContain(e => !where.ContainsKey(e.Path));
        }
    }

    [Fact]
    public void Split_AThousandCopiesOfOnePhoto_CountOnceAndTheFractionsHoldInDistinctImages()
    {
        // The user probe: the group of 1,001 copies went to test, validation took all but one other image.
        var examples = Examples(20, 20).ToList();
        for (int i = 1; i <= 1000; i++)
        {
            examples.Add(new ImageExample($"/d/with_mask/dup_{i}.jpg", "with_mask", 0, Hash("with_mask", 0)));
        }

        examples = [.. examples.OrderBy(e => e.Path, StringComparer.Ordinal)];
        var plain = DatasetSplitter.Split(Examples(20, 20), new SplitOptions { Seed = 42 });

        for (int seed = 0; seed < 10; seed++)
        {
            var split = DatasetSplitter.Split(examples, new SplitOptions { Seed = seed });

            split.Counts.Should().Equal(new SplitClassCount("with_mask", 14, 2, 4), new SplitClassCount("without_mask", 14, 2, 4));
            split.LeftOutCopies.Should().HaveCount(1000).And.OnlyContain(e => e.Path.Contains("/dup_"));
            split.Describe().Length.Should().BeLessThan(1000, "1,001 names made a 25 KB line");
        }

        // The copies only add files the split leaves out: the distinct images go where they went without them.
        var same = DatasetSplitter.Split(examples, new SplitOptions { Seed = 42 });
        same.Test.Should().Equal(plain.Test);
        same.Validation.Should().Equal(plain.Validation);
        same.Describe().Should().Contain("note: 1,000 identical copies are left out: each picture is used once and counted once (1 group, e.g. with_mask/dup_1.jpg = with_mask/0000.jpg)")
            .And.Contain("1,001 identical files in with_mask: with_mask/0000.jpg, with_mask/dup_1.jpg, with_mask/dup_10.jpg and 998 more");
    }

    [Fact]
    public void Split_TenCopies_DoNotPutHalfTheClassInTest()
    {
        var examples = Examples(20, 20).ToList();
        for (int i = 1; i <= 10; i++)
        {
            examples.Add(new ImageExample($"/d/with_mask/dup_{i}.jpg", "with_mask", 0, Hash("with_mask", 5)));
        }

        for (int seed = 0; seed < 10; seed++)
        {
            DatasetSplitter.Split(examples, new SplitOptions { Seed = seed }).Counts[0].Should().Be(new SplitClassCount("with_mask", 14, 2, 4));
        }
    }

    [Fact]
    public void Split_ReportsDuplicates()
    {
        var examples = Examples(10, 10).ToList();
        examples.Add(new ImageExample("/d/with_mask/copy.jpg", "with_mask", 0, Hash("with_mask", 3)));

        var split = DatasetSplitter.Split(examples);

        split.DuplicateGroups.Should().ContainSingle().Which.Examples.Should().HaveCount(2);
        split.LeftOutCopies.Should().ContainSingle().Which.Path.Should().Be("/d/with_mask/copy.jpg");
        split.Describe().Should().Contain("note: 1 identical copy is left out: each picture is used once and counted once (1 group, e.g. with_mask/copy.jpg = with_mask/0003.jpg)")
            .And.Contain("2 identical files in with_mask");
    }

    [Fact]
    public void DuplicatesNote_NamesALeftOutCopyAndTheFileKept_NotAConflictGroupsFiles()
    {
        // The first group is a conflict across classes (both files used, none left out); the copy left out is in another.
        var examples = Examples(10, 10).ToList();
        examples.Add(new ImageExample("/d/without_mask/h5-same-as-0000.jpg", "without_mask", 1, Hash("with_mask", 0)));
        examples.Add(new ImageExample("/d/with_mask/h5-copy.jpg", "with_mask", 0, Hash("with_mask", 5)));

        var split = DatasetSplitter.Split(examples);

        split.DuplicateGroups.Should().HaveCount(2);
        split.DuplicateGroups[0].Examples.Select(e => e.LabelIndex).Distinct().Should().HaveCount(2, "the first group is the conflict");
        split.LeftOutCopies.Should().ContainSingle().Which.Path.Should().Be("/d/with_mask/h5-copy.jpg");
        split.DuplicatesNote().Should().Be(
            "note: 1 identical copy is left out: each picture is used once and counted once (2 groups, e.g. with_mask/h5-copy.jpg = with_mask/0005.jpg)");
    }

    [Fact]
    public void Describe_ManyGroups_NamesAFewAndCountsTheRest()
    {
        var examples = Examples(30, 10).ToList();
        for (int g = 0; g < 10; g++)
        {
            examples.Add(new ImageExample($"/d/with_mask/copy{g}.jpg", "with_mask", 0, Hash("with_mask", g)));
        }

        var text = DatasetSplitter.Split(examples).Describe();

        text.Should().Contain("note: 10 identical copies are left out: each picture is used once and counted once (10 groups, ")
            .And.Contain("  ... and 7 more group(s)");
        text.Split('\n').Count(l => l.Contains("identical files in")).Should().Be(DatasetSplit.DuplicateGroupsShown);
    }

    [Fact]
    public void Describe_WithUsedCounts_ShowsTheSkippedColumnOnlyWhenSomethingWasSkipped()
    {
        var split = DatasetSplitter.Split(Examples(10, 10));

        split.Describe().Should().NotContain("Skipped");
        var text = split.Describe([new SplitClassCount("with_mask", 6, 1, 1, 2), new SplitClassCount("without_mask", 7, 1, 2)]);
        text.Split('\n')[..4].Should().Equal(
            "Class          Train  Valid   Test  Skipped",
            "with_mask          6      1      1        2",
            "without_mask       7      1      2        0",
            "Total             13      2      3        2");
    }

    [Fact]
    public void Split_NoValidation_LeavesValidationEmpty()
    {
        var split = DatasetSplitter.Split(Examples(2, 10), new SplitOptions { ValidationFraction = 0 });

        split.Validation.Should().BeEmpty();
        split.Counts[0].Should().Be(new SplitClassCount("with_mask", 1, 0, 1));
    }

    [Fact]
    public void Split_ClassTooSmall_IsOneLineErrorBeforeAnyAssignment()
    {
        var act = () => DatasetSplitter.Split(Examples(20, 2));

        act.Should().Throw<DatasetException>().WithMessage(
            "class 'without_mask' has too few images to split: 2, need at least 3 (one each for train, validation and test)");
    }

    [Fact]
    public void Split_ClassTooSmallAfterMergingDuplicates_SaysHowManyAreDistinct()
    {
        var examples = Examples(20, 2).ToList();
        examples.Add(new ImageExample("/d/without_mask/zz-copy.jpg", "without_mask", 1, Hash("without_mask", 0)));

        var act = () => DatasetSplitter.Split(examples);

        act.Should().Throw<DatasetException>().WithMessage(
            "class 'without_mask' has too few images to split: 3 (2 distinct), need at least 3 (one each for train, validation and test)");
    }

    [Fact]
    public void Split_ClassWhoseImagesAreAnotherClasssFiles_SaysWhereTheyWent()
    {
        // A folder linked twice under two class names: every copy goes with the first class.
        var examples = Examples(20, 0).ToList();
        for (int i = 0; i < 4; i++)
        {
            examples.Add(new ImageExample($"/d/without_mask/{i}.jpg", "without_mask", 1, Hash("with_mask", i)));
        }

        var act = () => DatasetSplitter.Split(examples);

        act.Should().Throw<DatasetException>().WithMessage(
            "class 'without_mask' has too few images to split: 0 of its 4, need at least 3 (one each for train, validation and test); " +
            "the other 4 are the same files as images of another class (see the warnings above) and go with that class");
    }

    [Fact]
    public void Split_ClassTooSmall_CountsItsOwnFilesNotAnotherClasssCopyOfThem()
    {
        // A probe: tiny/ held one file, also in with_mask; tiny (the lower label index) takes the pair,
        // and the error said "2 (1 distinct)" of a folder with 1 file.
        var examples = new List<ImageExample> { new("/d/tiny/0417.jpg", "tiny", 0, Hash("with_mask", 0)) };
        foreach (var e in Examples(20, 20))
        {
            examples.Add(e with { LabelIndex = e.LabelIndex + 1 });
        }

        var act = () => DatasetSplitter.Split(examples);

        act.Should().Throw<DatasetException>().WithMessage(
            "class 'tiny' has too few images to split: 1, need at least 3 (one each for train, validation and test)");

        examples.Add(new ImageExample("/d/tiny/0417-again.jpg", "tiny", 0, Hash("with_mask", 0)));
        examples.Add(new ImageExample("/d/tiny/other.jpg", "tiny", 0, "tiny-1"));
        act = () => DatasetSplitter.Split(examples.OrderBy(e => e.LabelIndex).ToList());
        act.Should().Throw<DatasetException>().WithMessage(
            "class 'tiny' has too few images to split: 3 (2 distinct), need at least 3 (one each for train, validation and test)");
    }

    [Fact]
    public void Split_ClassTooSmall_SaysHowManyOfItsFilesWentWithAnotherClass()
    {
        var examples = Examples(20, 2).ToList();
        examples.Add(new ImageExample("/d/without_mask/same-as-0003.jpg", "without_mask", 1, Hash("with_mask", 3)));

        var act = () => DatasetSplitter.Split(examples);

        act.Should().Throw<DatasetException>().WithMessage(
            "class 'without_mask' has too few images to split: 2 of its 3, need at least 3 (one each for train, validation and test); " +
            "the other 1 is the same file as an image of another class (see the warnings above) and goes with that class");
    }

    [Fact]
    public void Split_SmallestSplittableClass_PutsOneImageInEachSplit()
    {
        var split = DatasetSplitter.Split(Examples(3, 3));

        split.Counts.Should().Equal(new SplitClassCount("with_mask", 1, 1, 1), new SplitClassCount("without_mask", 1, 1, 1));
    }

    [Fact]
    public void Split_LargeGroupsStillLeaveTrainingImages()
    {
        // One big duplicate group drawn first into test must not starve train or validation.
        var examples = new List<ImageExample>();
        for (int i = 0; i < 10; i++)
        {
            examples.Add(new ImageExample($"/d/a/big{i:D2}.jpg", "a", 0, "big"));
        }

        examples.Add(new ImageExample("/d/a/x.jpg", "a", 0, "x"));
        examples.Add(new ImageExample("/d/a/y.jpg", "a", 0, "y"));
        examples.AddRange(Examples(0, 10));

        for (int seed = 0; seed < 20; seed++)
        {
            var counts = DatasetSplitter.Split(examples, new SplitOptions { Seed = seed }).Counts[0];
            counts.Train.Should().BeGreaterThan(0);
            counts.Validation.Should().BeGreaterThan(0);
            counts.Test.Should().BeGreaterThan(0);
        }
    }

    [Theory]
    [InlineData(-0.1, 0.1)]
    [InlineData(0.2, 1.0)]
    [InlineData(0.6, 0.4)]
    [InlineData(double.NaN, 0.1)]
    public void Split_InvalidFractions_Throw(double test, double validation)
    {
        var act = () => DatasetSplitter.Split(Examples(10, 10), new SplitOptions { TestFraction = test, ValidationFraction = validation });

        act.Should().Throw<ArgumentException>();
    }

    private static IReadOnlyList<ImageExample> Examples(int withMask, int withoutMask)
    {
        var list = new List<ImageExample>();
        for (int i = 0; i < withMask; i++)
        {
            list.Add(new ImageExample($"/d/with_mask/{i:D4}.jpg", Labels[0], 0, Hash(Labels[0], i)));
        }

        for (int i = 0; i < withoutMask; i++)
        {
            list.Add(new ImageExample($"/d/without_mask/{i:D4}.jpg", Labels[1], 1, Hash(Labels[1], i)));
        }

        return list;
    }

    private static string Hash(string label, int i) => $"{label}-{i}";
}
