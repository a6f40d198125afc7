using MaskTrainer.Evaluation;

namespace MaskTrainer.Tests.Evaluation;

public sealed class ConfusionTableFormatterTests
{
    [Fact]
    public void Format_ThreeClasses_MatchesMlNetLayout()
    {
        // The counts of ML.NET's published iris example (SdcaMaximumEntropy), same table.
        var m = Metrics(["0", "1", "2"], [[160, 0, 0], [0, 151, 13], [0, 10, 166]]);

        ConfusionTableFormatter.Format(m).ReplaceLineEndings("\n").Should().Be(
            """
            Confusion table
                      ||========================
            PREDICTED ||     0 |     1 |     2 | Recall
            TRUTH     ||========================
                    0 ||   160 |     0 |     0 | 1.0000
                    1 ||     0 |   151 |    13 | 0.9207
                    2 ||     0 |    10 |   166 | 0.9432
                      ||========================
            Precision ||1.0000 |0.9379 |0.9274 |

            """);
    }

    [Fact]
    public void Format_TwoShortLabels_UsesNamesInTheHeader()
    {
        var m = Metrics(["cat", "dog"], [[5, 1], [0, 4]]);

        ConfusionTableFormatter.Format(m).ReplaceLineEndings("\n").Should().Be(
            """
            Confusion table
                      ||======================
            PREDICTED ||      cat |      dog | Recall
            TRUTH     ||======================
                  cat ||        5 |        1 | 0.8333
                  dog ||        0 |        4 | 1.0000
                      ||======================
            Precision ||   1.0000 |   0.8000 |

            """);
    }

    [Fact]
    public void Format_LongLabels_NumberTheColumnsAndPadTheRows()
    {
        var m = Metrics(["with_mask", "without_mask"], [[118, 2], [3, 1117]]);

        ConfusionTableFormatter.Format(m).ReplaceLineEndings("\n").Should().Be(
            """
            Confusion table
                            ||======================
            PREDICTED       ||        0 |        1 | Recall
            TRUTH           ||======================
            0.    with_mask ||      118 |        2 | 0.9833
            1. without_mask ||        3 |    1,117 | 0.9973
                            ||======================
            Precision       ||   0.9752 |   0.9982 |

            """);
    }

    private static ClassificationMetrics Metrics(string[] labels, int[][] confusion)
    {
        var (truth, probabilities) = MetricsTestData.FromConfusion(confusion);
        return ClassificationMetrics.Compute(labels, truth, probabilities);
    }
}
