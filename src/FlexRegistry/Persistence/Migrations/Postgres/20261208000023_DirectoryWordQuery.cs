using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The directory search's word-level index (issue 19, Participants/WordQuery): a GIN index on the search names' words
    /// (<c>to_tsvector('simple', "SearchName")</c>) instead of the trigram index on the whole name, and the dictionary of
    /// those words with a trigram index, kept by a trigger.
    /// </summary>
    public partial class DirectoryWordQuery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants");

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_words",
                table: "participants",
                column: "SearchName")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:TsVectorConfig", "simple");

            // The dictionary of the search names' words without a digit (a word with a digit is an identifier, matched exactly
            // or as typed so far, never as a typo): Participants/WordQuery looks a query word's mistyped forms up in it through
            // the trigram index, a few thousand short words rather than every name. Kept by the database itself, in the
            // transaction of every statement that adds or changes participants (registration, the bench's bulk copy, any
            // later change of name); words are only added: a word no name holds any more finds nothing.
            migrationBuilder.Sql("""CREATE TABLE directory_words ("Word" text COLLATE "C" PRIMARY KEY);""");
            migrationBuilder.Sql("""CREATE INDEX ix_directory_words_word_trgm ON directory_words USING gin ("Word" gin_trgm_ops);""");
            // One INSERT per statement (a transition table), in word order so that two registrations adding the same new words
            // take their locks in the same order; ON CONFLICT DO NOTHING takes no lock on a word already there.
            migrationBuilder.Sql("""
                CREATE FUNCTION directory_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO directory_words ("Word")
                    SELECT DISTINCT w FROM changed, unnest(string_to_array(changed."SearchName", ' ')) AS w
                    WHERE w <> '' AND w !~ '[0-9]'
                    ORDER BY w
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER participants_directory_words_insert AFTER INSERT ON participants
                REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory_words_add();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER participants_directory_words_update AFTER UPDATE ON participants
                REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory_words_add();
                """);
            migrationBuilder.Sql("""
                INSERT INTO directory_words ("Word")
                SELECT DISTINCT w FROM participants, unnest(string_to_array("SearchName", ' ')) AS w
                WHERE w <> '' AND w !~ '[0-9]'
                ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS participants_directory_words_update ON participants;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS participants_directory_words_insert ON participants;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS directory_words_add();");
            migrationBuilder.Sql("DROP TABLE IF EXISTS directory_words;");

            migrationBuilder.DropIndex(
                name: "ix_participants_search_words",
                table: "participants");

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants",
                column: "SearchName")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
