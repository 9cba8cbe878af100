using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DirectoryWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants");

            migrationBuilder.CreateTable(
                name: "directory_words",
                columns: table => new
                {
                    Word = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directory_words", x => x.Word);
                });

            migrationBuilder.CreateIndex(
                name: "ix_directory_words_word_trgm",
                table: "directory_words",
                column: "Word")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // The participants holding a word (Participants/DirectorySearch): an expression index, which the model cannot
            // express; the search writes the same expression so that PostgreSQL uses it.
            migrationBuilder.Sql("""CREATE INDEX ix_participants_search_words ON participants USING gin (string_to_array("SearchName", ' '));""");
            // The words of the participants registered before.
            migrationBuilder.Sql("""
                INSERT INTO directory_words ("Word")
                SELECT DISTINCT w FROM participants, unnest(string_to_array("SearchName", ' ')) AS w
                ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_participants_search_words;");

            migrationBuilder.DropTable(
                name: "directory_words");

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants",
                column: "SearchName")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
