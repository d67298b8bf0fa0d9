package report

import (
	"context"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// revisions computes the revision tables of the report (by role and by
// experience) when the store can stream its version history.
func revisions(ctx context.Context, s store.Store, cfg analytics.Config) ([]*analytics.Revisions, error) {
	if _, ok := s.(store.VersionWalker); !ok {
		return nil, nil
	}
	return analytics.ComputeRevisionsBy(ctx, s, analytics.RevisionConfig{Filter: cfg.Filter, Options: cfg.Options},
		[][]analytics.Dim{{analytics.DimRole}, {analytics.DimExperience}})
}

func pctOrDash(p *float64) td {
	if p == nil {
		return td{S: "—", Num: true}
	}
	return num(*p, fmtSignedPct(*p/100))
}

func daysOrDash(p *float64) td {
	if p == nil {
		return td{S: "—", Num: true}
	}
	return num(*p, fmtNum(*p, 1))
}

// revisionSection shows how often and how much published pay changes while a vacancy is open.
func revisionSection(revs []*analytics.Revisions) section {
	sec := section{ID: "revisions", Title: "Пересмотры зарплат",
		Intro: []string{
			"Изменение опубликованной зарплаты, пока вакансия открыта, — по истории версий, которую hhjobs хранит: считаются только изменения, замеченные между двумя синхронизациями (вакансия, увиденная лишь одним запуском, не могла быть замечена меняющейся и в базу доли не входит).",
			"Размер — изменение месячной оценки в рублях в % от прежней; срок — от создания вакансии (initial_created_at, иначе published_at) до синхронизации, заметившей изменение. Доля показывается при базе не меньше 30 вакансий, медианы — при не меньше 30 изменениях.",
		}}
	for _, r := range revs {
		if r == nil || len(r.Dims) != 1 {
			continue
		}
		t := table{ID: "t-rev-" + string(r.Dims[0]), Caption: "Пересмотры зарплат: " + analytics.DimTitle[r.Dims[0]], Head: []th{
			{Label: analytics.DimTitle[r.Dims[0]]}, {Label: "Увидены дважды", Num: true, Tip: "база доли: вакансии, увиденные хотя бы двумя запусками"},
			{Label: "С изменением", Num: true}, {Label: "Доля", Num: true}, {Label: "Вверх / вниз", Num: true},
			{Label: "Медиана изменения", Num: true}, {Label: "Дней до изменения", Num: true, Tip: "медиана"},
		}}
		for _, g := range append([]analytics.RevisionGroup{r.Total}, r.Groups...) {
			share := td{S: "—", Num: true, Tip: g.Reason}
			if g.Share != nil {
				share = num(*g.Share, fmtPct(*g.Share))
			}
			t.Rows = append(t.Rows, []td{txt(g.Label[0]), cnt(g.SeenTwice), cnt(g.Changed), share,
				{S: fmtInt(int64(g.Up)) + " / " + fmtInt(int64(g.Down)), Num: true}, pctOrDash(g.MedianChangePct), daysOrDash(g.MedianDaysToChange)})
		}
		sec.Tables = append(sec.Tables, t)
	}
	return sec
}
