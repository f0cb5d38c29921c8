-- Exports page through a programme's mentors by id: without this index each page sorted every
-- mentor of the programme (kept side by side with the other database's 0010_export_paging.sql).
CREATE INDEX mentors_programme_id ON mentors (programme_id, id);
